//! An indicator's figures for one year at every level it has: municipalities, RIEC regions
//! (police units), provinces, peer groups and the Netherlands, computed from the same counts
//! so that they add up, with disclosure control applied across all of them at once.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::compare::{Comparison, PeerGroup, rank_and_percentile, z_score};
use super::disclosure::{Group, protect};
use super::indicator::Indicator;
use crate::area::{AreaCode, AreaLevel};

/// What an indicator needs to know of a municipality.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MunicipalityFacts {
    pub code: AreaCode,
    pub name: String,
    pub province: Option<AreaCode>,
    /// The police unit, whose area is also that of the RIEC.
    pub police_unit: Option<AreaCode>,
    pub population: Option<i64>,
    pub urbanity: Option<u8>,
}

impl MunicipalityFacts {
    pub fn peer_group(&self) -> Option<PeerGroup> {
        PeerGroup::of(self.population, self.urbanity)
    }
}

/// The observations of one year that an indicator reads, by area (of any level).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inputs {
    pub numerator: BTreeMap<AreaCode, f64>,
    pub denominator: BTreeMap<AreaCode, f64>,
    /// Areas for which the numerator's dataset has figures (in any year): a count missing
    /// there is zero (no cannabis farm found), elsewhere it is unknown.
    pub covered: BTreeSet<AreaCode>,
}

/// A figure as it may be shown.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "status", content = "value", rename_all = "lowercase")]
pub enum Figure {
    Value(f64),
    /// Hidden by disclosure control because a count is below the threshold: "< threshold".
    Suppressed,
    /// Hidden because it would give a suppressed count away (secondary suppression); not
    /// small itself, so never shown as "< threshold".
    Withheld,
    Missing,
}

impl Figure {
    pub fn value(self) -> Option<f64> {
        match self {
            Self::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// One area's figure with the (unhidden) parts it was computed from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaFigure {
    pub area: AreaCode,
    pub figure: Figure,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
}

/// An indicator's figures for one year.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorYear {
    pub year: String,
    pub threshold: u32,
    /// Every area with a figure, of every level the indicator has.
    pub figures: BTreeMap<AreaCode, AreaFigure>,
    pub peers: BTreeMap<PeerGroup, Figure>,
    municipalities: Vec<MunicipalityFacts>,
}

/// A cell of the computation: a numerator and a denominator, before disclosure control.
#[derive(Debug, Clone, Copy, Default)]
struct Parts {
    numerator: Option<f64>,
    denominator: Option<f64>,
}

impl Parts {
    fn add(&mut self, other: Parts) {
        if let Some(n) = other.numerator {
            self.numerator = Some(self.numerator.unwrap_or(0.0) + n);
            if let Some(d) = other.denominator {
                self.denominator = Some(self.denominator.unwrap_or(0.0) + d);
            }
        }
    }
}

/// A key of the cells: an area, or a peer group.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Area(AreaCode),
    Peers(PeerGroup),
}

impl IndicatorYear {
    /// Computes every figure of `indicator` in `year`. Municipal data is summed upward;
    /// data published for a coarser level only (a province table) is used at that level and
    /// summed to the Netherlands unless the Netherlands has a figure of its own.
    pub fn compute(
        indicator: &Indicator,
        year: &str,
        municipalities: &[MunicipalityFacts],
        inputs: &Inputs,
    ) -> Self {
        let per_population = indicator.per_population();
        let has_denominator = indicator.denominator.is_some();
        let nl = AreaCode::parse("NL01").ok();
        let population = |area: &AreaCode| -> Option<f64> {
            let sum: i64 = municipalities
                .iter()
                .filter(|m| match area.level() {
                    AreaLevel::Municipality => m.code == *area,
                    AreaLevel::Province => m.province.as_ref() == Some(area),
                    AreaLevel::PoliceUnit => m.police_unit.as_ref() == Some(area),
                    AreaLevel::Country => true,
                    _ => false,
                })
                .filter_map(|m| m.population)
                .sum();
            (sum > 0).then_some(sum as f64)
        };
        let parts_of = |area: &AreaCode| -> Parts {
            let count_default =
                (indicator.numerator.is_count() && inputs.covered.contains(area)).then_some(0.0);
            let numerator = inputs.numerator.get(area).copied().or(count_default);
            let denominator = if per_population {
                population(area)
            } else if has_denominator {
                inputs.denominator.get(area).copied()
            } else {
                None
            };
            Parts {
                numerator,
                denominator,
            }
        };

        let mut cells: Vec<(Key, Parts)> = Vec::new();
        let mut groups: Vec<Group> = Vec::new();
        if indicator.has_level(AreaLevel::Municipality) {
            for m in municipalities {
                cells.push((Key::Area(m.code.clone()), parts_of(&m.code)));
            }
            let n = municipalities.len();
            let mut grouped: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
            for (i, m) in municipalities.iter().enumerate() {
                let mut keys = Vec::new();
                if indicator.has_level(AreaLevel::Province)
                    && let Some(p) = &m.province
                {
                    keys.push(Key::Area(p.clone()));
                }
                if indicator.has_level(AreaLevel::PoliceUnit)
                    && let Some(p) = &m.police_unit
                {
                    keys.push(Key::Area(p.clone()));
                }
                if let Some(g) = m.peer_group() {
                    keys.push(Key::Peers(g));
                }
                if let Some(nl) = &nl
                    && indicator.has_level(AreaLevel::Country)
                {
                    keys.push(Key::Area(nl.clone()));
                }
                for k in keys {
                    grouped.entry(k).or_default().push(i);
                }
            }
            for (key, members) in grouped {
                let mut total = Parts::default();
                for m in &members {
                    total.add(cells[*m].1);
                }
                if per_population {
                    // Inhabitants of the members with a figure, so that the rate is theirs.
                    total.denominator = total.numerator.map(|_| {
                        members
                            .iter()
                            .filter(|m| cells[**m].1.numerator.is_some())
                            .filter_map(|m| cells[*m].1.denominator)
                            .sum()
                    });
                }
                cells.push((key, total));
                groups.push(Group {
                    total: cells.len() - 1,
                    members: members.into_iter().filter(|m| *m < n).collect(),
                });
            }
        } else if let Some(base) = indicator.map_level() {
            let areas: BTreeSet<&AreaCode> = inputs
                .numerator
                .keys()
                .chain(inputs.covered.iter())
                .filter(|a| a.level() == base)
                .collect();
            for a in &areas {
                cells.push((Key::Area((*a).clone()), parts_of(a)));
            }
            if let Some(nl) = &nl
                && base != AreaLevel::Country
                && indicator.has_level(AreaLevel::Country)
            {
                let own = parts_of(nl);
                if own.numerator.is_some() {
                    cells.push((Key::Area(nl.clone()), own));
                } else {
                    let members: Vec<usize> = (0..cells.len()).collect();
                    let mut total = Parts::default();
                    for m in &members {
                        total.add(cells[*m].1);
                    }
                    if per_population {
                        total.denominator = population(nl);
                    }
                    cells.push((Key::Area(nl.clone()), total));
                    groups.push(Group {
                        total: cells.len() - 1,
                        members,
                    });
                }
            }
        }

        // Disclosure control over every count the figures are made of.
        let threshold = f64::from(indicator.threshold);
        let mut hidden = vec![false; cells.len()];
        let denominator_is_count = indicator
            .denominator
            .as_ref()
            .and_then(|d| d.input())
            .is_some_and(|i| i.is_count());
        let mut series: Vec<Vec<Option<f64>>> = Vec::new();
        if indicator.numerator.is_count() {
            series.push(cells.iter().map(|(_, p)| p.numerator).collect());
        }
        if denominator_is_count {
            series.push(cells.iter().map(|(_, p)| p.denominator).collect());
        }
        let mut small = vec![false; cells.len()];
        for counts in series {
            for (h, new) in hidden.iter_mut().zip(protect(&counts, &groups, threshold)) {
                *h |= new;
            }
            for (s, c) in small.iter_mut().zip(&counts) {
                *s |= c.is_some_and(|v| v < threshold);
            }
        }

        let mut figures = BTreeMap::new();
        let mut peers = BTreeMap::new();
        for (((key, parts), hide), small) in cells.into_iter().zip(hidden).zip(small) {
            let figure = match (parts.numerator, parts.denominator, hide) {
                (None, _, _) => Figure::Missing,
                (Some(_), _, true) if small => Figure::Suppressed,
                (Some(_), _, true) => Figure::Withheld,
                (Some(n), Some(d), false) if has_denominator => {
                    if d > 0.0 {
                        Figure::Value(n / d * indicator.scale)
                    } else {
                        Figure::Missing
                    }
                }
                (Some(_), None, false) if has_denominator => Figure::Missing,
                (Some(n), _, false) => Figure::Value(n * indicator.scale),
            };
            match key {
                Key::Area(area) => {
                    let shown = !matches!(figure, Figure::Suppressed | Figure::Withheld);
                    figures.insert(
                        area.clone(),
                        AreaFigure {
                            area,
                            figure,
                            numerator: parts.numerator.filter(|_| shown),
                            denominator: parts.denominator.filter(|_| shown),
                        },
                    );
                }
                Key::Peers(group) => {
                    peers.insert(group, figure);
                }
            }
        }
        Self {
            year: year.to_owned(),
            threshold: indicator.threshold,
            figures,
            peers,
            municipalities: municipalities.to_vec(),
        }
    }

    pub fn figure(&self, area: &AreaCode) -> Figure {
        self.figures.get(area).map_or(Figure::Missing, |f| f.figure)
    }

    /// True when no area has a value or a hidden value: the year has no data.
    pub fn is_empty(&self) -> bool {
        self.figures
            .values()
            .all(|f| matches!(f.figure, Figure::Missing))
    }

    /// The figures of every area of `level`.
    pub fn level(&self, level: AreaLevel) -> impl Iterator<Item = &AreaFigure> {
        self.figures
            .values()
            .filter(move |f| f.area.level() == level)
    }

    /// `area` beside the Netherlands, its RIEC region, its province and its peers, with its
    /// rank among the areas of its level and its deviation from the peers.
    pub fn compare(&self, area: &AreaCode) -> Comparison {
        let nl = AreaCode::parse("NL01").ok();
        let facts = self.municipalities.iter().find(|m| m.code == *area);
        let value_of = |code: Option<&AreaCode>| code.and_then(|c| self.figure(c).value());
        let group = facts.and_then(MunicipalityFacts::peer_group);
        let own = self.figure(area).value();
        let same_level: Vec<f64> = self
            .level(area.level())
            .filter_map(|f| f.figure.value())
            .collect();
        let (rank, percentile) = match own {
            Some(v) if !same_level.is_empty() => {
                let (rank, of, pct) = rank_and_percentile(v, &same_level);
                (Some((rank, of)), Some(pct))
            }
            _ => (None, None),
        };
        let peer_values: Vec<f64> = match group {
            Some(g) => self
                .municipalities
                .iter()
                .filter(|m| m.code != *area && m.peer_group() == Some(g))
                .filter_map(|m| self.figure(&m.code).value())
                .collect(),
            None => Vec::new(),
        };
        Comparison {
            national: value_of(nl.as_ref()),
            riec_region: value_of(facts.and_then(|f| f.police_unit.as_ref())),
            province: value_of(facts.and_then(|f| f.province.as_ref())),
            peers: group.and_then(|g| self.peers.get(&g).and_then(|f| f.value())),
            rank,
            percentile,
            z_score: own.and_then(|v| z_score(v, &peer_values)),
            peer_mean: (!peer_values.is_empty())
                .then(|| peer_values.iter().sum::<f64>() / peer_values.len() as f64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboard::indicator::{Catalogue, Concern, Input, Origin, Text, Theme, Unit};

    fn code(s: &str) -> AreaCode {
        AreaCode::parse(s).unwrap()
    }

    fn text() -> Text {
        Text {
            nl: "x".into(),
            en: "x".into(),
        }
    }

    fn per_1000() -> Indicator {
        Indicator {
            id: "context-misdrijven".into(),
            theme: Theme::Context,
            name: text(),
            definition: text(),
            caveat: text(),
            unit: Unit::Per1000Inwoners,
            scale: 1000.0,
            decimals: 1,
            origin: Origin::Cbs,
            source: "CBS".into(),
            licence: "CC-BY 4.0".into(),
            levels: vec![
                "gemeente".into(),
                "politie-eenheid".into(),
                "provincie".into(),
                "land".into(),
            ],
            concern: Concern::Hoog,
            threshold: 10,
            numerator: Input {
                dataset: "d".into(),
                measure: "aantal".into(),
                category: String::new(),
            },
            denominator: Some(super::super::indicator::Denominator {
                population: true,
                dataset: None,
                measure: None,
                category: None,
            }),
        }
    }

    /// Five municipalities, two provinces (PV20: a, b, c; PV21: d, e), one police unit each,
    /// three alike in size and urbanity.
    fn municipalities() -> Vec<MunicipalityFacts> {
        let m = |c: &str, p: &str, r: &str, pop: i64, urb: u8| MunicipalityFacts {
            code: code(c),
            name: c.into(),
            province: Some(code(p)),
            police_unit: Some(code(r)),
            population: Some(pop),
            urbanity: Some(urb),
        };
        vec![
            m("GM0001", "PV20", "RE01", 20_000, 3),
            m("GM0002", "PV20", "RE01", 30_000, 3),
            m("GM0003", "PV20", "RE01", 40_000, 3),
            m("GM0004", "PV21", "RE02", 100_000, 1),
            m("GM0005", "PV21", "RE02", 10_000, 5),
        ]
    }

    fn inputs(counts: &[(&str, f64)]) -> Inputs {
        Inputs {
            numerator: counts.iter().map(|(c, v)| (code(c), *v)).collect(),
            denominator: BTreeMap::new(),
            covered: counts.iter().map(|(c, _)| code(c)).collect(),
        }
    }

    #[test]
    fn rates_add_up_from_counts_at_every_level() {
        let year = IndicatorYear::compute(
            &per_1000(),
            "2024",
            &municipalities(),
            &inputs(&[
                ("GM0001", 40.0),
                ("GM0002", 90.0),
                ("GM0003", 20.0),
                ("GM0004", 500.0),
                ("GM0005", 30.0),
            ]),
        );
        assert_eq!(year.figure(&code("GM0001")), Figure::Value(2.0));
        // PV20: (40 + 90 + 20) / 90,000 × 1000.
        let pv20 = year.figure(&code("PV20")).value().unwrap();
        assert!((pv20 - 150.0 / 90.0).abs() < 1e-12);
        assert_eq!(year.figure(&code("NL01")), Figure::Value(680.0 / 200.0));
        let cmp = year.compare(&code("GM0002"));
        assert_eq!(
            cmp.rank,
            Some((2, 5)),
            "GM0004 (5.0) is higher than GM0002 (3.0)"
        );
        assert_eq!(cmp.national, Some(3.4));
        assert_eq!(cmp.riec_region, Some(pv20));
        // Peers of GM0002 (urbanity 3, 20k–50k): GM0001 (2.0) and GM0003 (0.5).
        assert_eq!(cmp.peer_mean, Some(1.25));
        assert_eq!(cmp.z_score, None, "two peers are too few for a z-score");
        let peers = year.peers.values().find_map(|f| f.value());
        assert!(peers.is_some());
    }

    #[test]
    fn a_small_count_is_hidden_with_a_partner_and_rates_on_it_too() {
        let year = IndicatorYear::compute(
            &per_1000(),
            "2024",
            &municipalities(),
            &inputs(&[
                ("GM0001", 4.0),
                ("GM0002", 90.0),
                ("GM0003", 20.0),
                ("GM0004", 500.0),
                ("GM0005", 30.0),
            ]),
        );
        assert_eq!(year.figure(&code("GM0001")), Figure::Suppressed);
        let hidden: Vec<&AreaFigure> = year
            .figures
            .values()
            .filter(|f| matches!(f.figure, Figure::Suppressed | Figure::Withheld))
            .collect();
        assert!(
            hidden.len() >= 2,
            "one hidden cell in a published total is recoverable"
        );
        assert!(hidden.iter().all(|f| f.numerator.is_none()));
        assert_eq!(year.compare(&code("GM0001")).rank, None);
    }

    #[test]
    fn a_count_missing_where_the_dataset_has_data_is_zero_elsewhere_unknown() {
        let mut inputs = inputs(&[("GM0002", 90.0), ("GM0003", 20.0)]);
        inputs.covered.insert(code("GM0001"));
        let year = IndicatorYear::compute(&per_1000(), "2024", &municipalities(), &inputs);
        // Zero is below the threshold, so it is hidden, but it is not missing.
        assert_eq!(year.figure(&code("GM0001")), Figure::Suppressed);
        assert_eq!(year.figure(&code("GM0004")), Figure::Missing);
    }

    #[test]
    fn the_shipped_catalogue_rules_refuse_a_mismatched_unit() {
        let mut bad = per_1000();
        bad.scale = 100.0;
        let err = Catalogue {
            version: 1,
            indicators: vec![bad],
        }
        .check()
        .unwrap_err();
        assert!(err.to_string().contains("does not fit"));
    }
}
