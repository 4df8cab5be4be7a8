//! What an inventory lets an organisation know: per phenomenon the share of indicators (and of
//! weighty ones) with at least one accessible source, the gaps ranked by weight, and a heat map
//! of phenomena against sources.

use std::collections::HashMap;

use serde::Serialize;

use super::catalogue::{Matrices, Phenomenon};
use super::inventory::InventoryEntry;

/// Coverage of one phenomenon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    pub phenomenon: String,
    pub indicators: usize,
    pub covered: usize,
    pub weighty: usize,
    pub weighty_covered: usize,
}

impl Coverage {
    /// Share covered, 0–100.
    pub fn share(&self) -> f64 {
        percent(self.covered, self.indicators)
    }

    pub fn weighty_share(&self) -> f64 {
        percent(self.weighty_covered, self.weighty)
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

fn accessible<'a>(inventory: &'a HashMap<String, InventoryEntry>) -> impl Fn(&str) -> bool + 'a {
    move |source| {
        inventory
            .get(source)
            .is_some_and(InventoryEntry::accessible)
    }
}

/// The coverage of `phenomenon` given the inventory (by source id).
pub fn coverage(phenomenon: &Phenomenon, inventory: &HashMap<String, InventoryEntry>) -> Coverage {
    let has = accessible(inventory);
    let covered = |i: &super::MatrixIndicator| i.bronnen.iter().any(|s| has(s));
    let all = &phenomenon.indicatoren;
    Coverage {
        phenomenon: phenomenon.id.clone(),
        indicators: all.len(),
        covered: all.iter().filter(|i| covered(i)).count(),
        weighty: all.iter().filter(|i| i.zwaarwegend).count(),
        weighty_covered: all.iter().filter(|i| i.zwaarwegend && covered(i)).count(),
    }
}

/// An indicator no accessible source covers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    pub phenomenon: String,
    pub indicator: String,
    pub weighty: bool,
    pub weight: u32,
    /// The sources that would close it.
    pub sources: Vec<String>,
}

/// Every gap over all phenomena, weightiest first.
pub fn gaps(matrices: &Matrices, inventory: &HashMap<String, InventoryEntry>) -> Vec<Gap> {
    let has = accessible(inventory);
    let mut out: Vec<Gap> = matrices
        .phenomena
        .iter()
        .flat_map(|p| {
            p.indicatoren
                .iter()
                .filter(|i| !i.bronnen.iter().any(|s| has(s)))
                .map(|i| Gap {
                    phenomenon: p.id.clone(),
                    indicator: i.id.clone(),
                    weighty: i.zwaarwegend,
                    weight: i.weight(),
                    sources: i.bronnen.clone(),
                })
        })
        .collect();
    out.sort_by(|a, b| b.weight.cmp(&a.weight).then(a.indicator.cmp(&b.indicator)));
    out
}

/// Per phenomenon (rows) and source (columns): how many of its indicators the source serves.
pub fn heat_map(matrices: &Matrices) -> Vec<Vec<usize>> {
    matrices
        .phenomena
        .iter()
        .map(|p| {
            matrices
                .sources
                .iter()
                .map(|s| {
                    p.indicatoren
                        .iter()
                        .filter(|i| i.bronnen.contains(&s.id))
                        .count()
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboard::indicator::Text;
    use crate::matrix::catalogue::{Access, Category, Criteria, MatrixIndicator, Source};
    use crate::matrix::inventory::InventoryAccess;

    fn text(s: &str) -> Text {
        Text {
            nl: s.into(),
            en: s.into(),
        }
    }

    fn indicator(id: &str, weighty: bool, sources: &[&str]) -> MatrixIndicator {
        MatrixIndicator {
            id: id.into(),
            naam: text(id),
            toelichting: text(id),
            categorie: Category::Criminaliteit,
            criteria: Criteria::from_scores([3, 3, 3, 3, 3, if weighty { 5 } else { 1 }]),
            zwaarwegend: weighty,
            combineren_met: Vec::new(),
            bronnen: sources.iter().map(|s| (*s).to_owned()).collect(),
            dashboard: String::new(),
        }
    }

    fn source(id: &str) -> Source {
        Source {
            id: id.into(),
            naam: text(id),
            omschrijving: text(id),
            houder: "x".into(),
            gebiedsniveau: "adres".into(),
            actualisatie: "dagelijks".into(),
            persoonsgegevens: true,
            bijzondere_persoonsgegevens: false,
            grondslag: text("x"),
            doelen: vec![],
            toegang: Access::Direct,
            eigenaar: "gemeente".into(),
        }
    }

    fn entry(source: &str, have: bool, access: InventoryAccess) -> (String, InventoryEntry) {
        (
            source.into(),
            InventoryEntry {
                source: source.into(),
                have,
                access,
                department: String::new(),
                contact: String::new(),
                quality: Some(3),
                last_checked: None,
                connected: None,
            },
        )
    }

    fn matrices() -> Matrices {
        Matrices {
            version: 1,
            phenomena: vec![Phenomenon {
                id: "drugs".into(),
                naam: text("Drugs"),
                omschrijving: text("-"),
                indicatoren: vec![
                    indicator("ind-a", true, &["brp", "energie"]),
                    indicator("ind-b", true, &["politie"]),
                    indicator("ind-c", false, &["energie"]),
                    indicator("ind-d", false, &["kvk"]),
                ],
            }],
            sources: ["brp", "energie", "politie", "kvk"].map(source).to_vec(),
        }
        .check()
        .unwrap()
    }

    #[test]
    fn coverage_counts_indicators_with_an_accessible_source() {
        let m = matrices();
        // BRP direct, energy data held but without access, KvK on request; no police.
        let inventory: HashMap<String, InventoryEntry> = [
            entry("brp", true, InventoryAccess::Direct),
            entry("energie", true, InventoryAccess::Geen),
            entry("kvk", true, InventoryAccess::OpVerzoek),
        ]
        .into_iter()
        .collect();
        let c = coverage(&m.phenomena[0], &inventory);
        // a (via BRP) and d (via KvK) are covered; b and c are not.
        assert_eq!(
            (c.indicators, c.covered, c.weighty, c.weighty_covered),
            (4, 2, 2, 1)
        );
        assert_eq!(c.share(), 50.0);
        assert_eq!(c.weighty_share(), 50.0);
        let g = gaps(&m, &inventory);
        let ids: Vec<&str> = g.iter().map(|g| g.indicator.as_str()).collect();
        assert_eq!(ids, ["ind-b", "ind-c"], "the weighty gap first");
        assert_eq!(heat_map(&m), vec![vec![1, 2, 1, 1]]);
        // An empty inventory covers nothing.
        assert_eq!(coverage(&m.phenomena[0], &HashMap::new()).covered, 0);
    }

    #[test]
    fn the_check_names_what_is_wrong() {
        let mut m = matrices();
        m.phenomena[0].indicatoren[0].criteria.tijdreeks = 6;
        assert!(
            m.clone()
                .check()
                .unwrap_err()
                .to_string()
                .contains("1 to 5")
        );
        let mut m = matrices();
        m.phenomena[0].indicatoren[1]
            .bronnen
            .push("onbekend".into());
        assert!(m.check().unwrap_err().to_string().contains("onbekend"));
        let mut m = matrices();
        m.phenomena[0].indicatoren[2].id = "ind-a".into();
        assert!(m.check().unwrap_err().to_string().contains("unique"));
    }
}
