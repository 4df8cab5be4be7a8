//! Sector analysis of an establishments register: per municipality and year the establishments
//! active at the end of the year, opened and closed in it, for every level of the SBI code
//! (2 to 5 digits, so that the tree can be drilled down), and the number of addresses with
//! many active establishments — a count, never the addresses.

use std::collections::HashMap;

use baken_domain::area::{AreaCode, Observation};
use baken_domain::table::{CellRef, Cells, Column, ColumnType};

/// Addresses with at least this many active establishments count as crowded.
pub const MANY_AT_ONE_ADDRESS: u32 = 10;

/// The measures written.
pub const ACTIVE: &str = "actief";
pub const OPENED: &str = "opgericht";
pub const CLOSED: &str = "opgeheven";
pub const CROWDED: &str = "adressen met veel vestigingen";

/// Which columns hold what, found by their headers and types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectorColumns {
    area: usize,
    sbi: usize,
    address: usize,
    start: usize,
    end: usize,
}

impl SectorColumns {
    /// A municipality column, a column named like `sbi…`, one like `adres…`, and two dates
    /// named like `start…`/`begin…` and `eind…`/`end…`.
    pub fn find(columns: &[Column]) -> Option<Self> {
        let named = |prefixes: &[&str], kind: Option<ColumnType>| {
            columns.iter().position(|c| {
                let h = c.header.to_lowercase();
                prefixes.iter().any(|p| h.starts_with(p)) && kind.is_none_or(|k| c.kind == k)
            })
        };
        Some(Self {
            area: columns
                .iter()
                .position(|c| c.kind == ColumnType::AreaCode)?,
            sbi: named(&["sbi"], None)?,
            address: named(&["adres", "address"], None)?,
            start: named(&["start", "begin", "datum_start"], Some(ColumnType::Date))?,
            end: named(&["eind", "end", "datum_eind"], Some(ColumnType::Date))?,
        })
    }
}

/// One establishment, as the rollup keeps it.
struct Establishment {
    area: u32,
    sbi: String,
    address: String,
    start: i32,
    end: Option<i32>,
}

/// Collects establishments, then counts per year.
#[derive(Default)]
pub struct SectorRollup {
    columns: Option<SectorColumns>,
    areas: Vec<String>,
    area_ids: HashMap<String, u32>,
    rows: Vec<Establishment>,
}

fn year_of(cell: Option<CellRef<'_>>) -> Option<i32> {
    match cell? {
        CellRef::Date(d) | CellRef::Text(d) => d.get(..4)?.parse().ok(),
        _ => None,
    }
}

fn text_of(cell: Option<CellRef<'_>>) -> Option<String> {
    match cell? {
        CellRef::Text(t) | CellRef::Date(t) => Some(t.trim().to_owned()),
        CellRef::Integer(i) => Some(i.to_string()),
        _ => None,
    }
    .filter(|t| !t.is_empty())
}

impl SectorRollup {
    pub fn new(columns: SectorColumns) -> Self {
        Self {
            columns: Some(columns),
            ..Self::default()
        }
    }

    /// Adds one validated row; rows without a municipality, SBI code or start are skipped.
    pub fn add<C: Cells + ?Sized>(&mut self, row: &C) {
        let Some(c) = self.columns else { return };
        let (Some(area), Some(sbi), Some(start)) = (
            text_of(row.cell(c.area)),
            text_of(row.cell(c.sbi)).filter(|s| s.bytes().all(|b| b.is_ascii_digit())),
            year_of(row.cell(c.start)),
        ) else {
            return;
        };
        let next = u32::try_from(self.areas.len()).unwrap_or(u32::MAX);
        let id = *self.area_ids.entry(area.clone()).or_insert_with(|| {
            self.areas.push(area);
            next
        });
        self.rows.push(Establishment {
            area: id,
            sbi,
            address: text_of(row.cell(c.address)).unwrap_or_default(),
            start,
            end: year_of(row.cell(c.end)),
        });
    }

    /// The figures, for every year from the first opening to the last event.
    pub fn observations(&self) -> Vec<Observation> {
        let Some(first) = self.rows.iter().map(|e| e.start).min() else {
            return Vec::new();
        };
        let last = self
            .rows
            .iter()
            .map(|e| e.end.unwrap_or(e.start).max(e.start))
            .max()
            .unwrap_or(first);
        // (area, year, measure, sbi prefix or "") → count
        let mut counts: HashMap<(u32, i32, &'static str, &str), f64> = HashMap::new();
        fn prefixes(sbi: &str) -> Vec<&str> {
            let mut out = vec![""];
            out.extend((2..=sbi.len().min(5)).filter_map(|n| sbi.get(..n)));
            out
        }
        for e in &self.rows {
            let levels = prefixes(&e.sbi);
            for p in &levels {
                *counts.entry((e.area, e.start, OPENED, p)).or_default() += 1.0;
                if let Some(end) = e.end {
                    *counts.entry((e.area, end, CLOSED, p)).or_default() += 1.0;
                }
                // Active at the end of every year from its start until the year it closed.
                let until = e.end.map_or(last, |end| end - 1);
                for year in e.start..=until {
                    *counts.entry((e.area, year, ACTIVE, p)).or_default() += 1.0;
                }
            }
        }
        // Crowded addresses per area and year.
        for year in first..=last {
            let mut per_address: HashMap<(u32, &str), u32> = HashMap::new();
            for e in self.rows.iter().filter(|e| {
                !e.address.is_empty() && e.start <= year && e.end.is_none_or(|end| end > year)
            }) {
                *per_address.entry((e.area, e.address.as_str())).or_default() += 1;
            }
            for area in 0..self.areas.len() {
                counts.entry((area as u32, year, CROWDED, "")).or_default();
            }
            for ((area, _), n) in per_address {
                if n >= MANY_AT_ONE_ADDRESS {
                    *counts.entry((area, year, CROWDED, "")).or_default() += 1.0;
                }
            }
        }
        // Every area counted in every year, for the totals: none is zero, not unknown.
        for area in 0..self.areas.len() as u32 {
            for year in first..=last {
                for m in [ACTIVE, OPENED, CLOSED] {
                    counts.entry((area, year, m, "")).or_default();
                }
            }
        }
        let mut out: Vec<Observation> = counts
            .into_iter()
            .filter_map(|((area, year, measure, prefix), n)| {
                Some(Observation {
                    area: AreaCode::parse(&self.areas[area as usize]).ok()?,
                    period: year.to_string(),
                    measure: measure.to_owned(),
                    category: if prefix.is_empty() {
                        String::new()
                    } else {
                        format!("sbi: {prefix}")
                    },
                    value: Some(n),
                    symbol: None,
                })
            })
            .collect();
        out.sort_by(|a, b| {
            (&a.area, &a.period, &a.measure, &a.category).cmp(&(
                &b.area,
                &b.period,
                &b.measure,
                &b.category,
            ))
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use baken_domain::table::Cell;

    fn columns() -> Vec<Column> {
        let c = |h: &str, k| Column {
            header: h.into(),
            key: format!("c_{h}"),
            kind: k,
        };
        vec![
            c("sbi_code", ColumnType::Integer),
            c("gemeente_code", ColumnType::AreaCode),
            c("adres_id", ColumnType::Text),
            c("startdatum", ColumnType::Date),
            c("einddatum", ColumnType::Date),
        ]
    }

    fn row(sbi: i64, area: &str, address: &str, start: &str, end: Option<&str>) -> Vec<Cell> {
        vec![
            Cell::Integer(sbi),
            Cell::Text(area.into()),
            Cell::Text(address.into()),
            Cell::Date(start.into()),
            end.map_or(Cell::Null, |e| Cell::Date(e.into())),
        ]
    }

    fn value(obs: &[Observation], area: &str, year: &str, measure: &str, category: &str) -> f64 {
        obs.iter()
            .find(|o| {
                o.area.as_str() == area
                    && o.period == year
                    && o.measure == measure
                    && o.category == category
            })
            .and_then(|o| o.value)
            .unwrap_or(f64::NAN)
    }

    #[test]
    fn stock_openings_closings_and_crowded_addresses_per_year() {
        let cols = columns();
        let mut r = SectorRollup::new(SectorColumns::find(&cols).unwrap());
        // A barber opened in 2020 and closed in 2022; a nail salon from 2021.
        r.add(row(96021, "GM0855", "a1", "2020-03-01", Some("2022-06-30")).as_slice());
        r.add(row(96022, "GM0855", "a2", "2021-05-01", None).as_slice());
        // Ten registrations at one address in 2022, none closed.
        for _ in 0..10 {
            r.add(row(6420, "GM0758", "a3", "2022-01-10", None).as_slice());
        }
        let obs = r.observations();
        assert_eq!(value(&obs, "GM0855", "2020", ACTIVE, "sbi: 96021"), 1.0);
        assert_eq!(value(&obs, "GM0855", "2021", ACTIVE, "sbi: 9602"), 2.0);
        assert_eq!(
            value(&obs, "GM0855", "2022", ACTIVE, "sbi: 96"),
            1.0,
            "closed in 2022"
        );
        assert_eq!(value(&obs, "GM0855", "2022", CLOSED, "sbi: 96021"), 1.0);
        assert_eq!(value(&obs, "GM0855", "2021", OPENED, ""), 1.0);
        assert_eq!(value(&obs, "GM0758", "2022", CROWDED, ""), 1.0);
        assert_eq!(value(&obs, "GM0758", "2021", CROWDED, ""), 0.0);
        assert_eq!(value(&obs, "GM0855", "2022", CROWDED, ""), 0.0);
        // Every area has a total every year, zero where nothing happened.
        assert_eq!(value(&obs, "GM0758", "2020", ACTIVE, ""), 0.0);
        // Never an address in the output.
        assert!(obs.iter().all(|o| !o.category.contains("a3")));
    }
}
