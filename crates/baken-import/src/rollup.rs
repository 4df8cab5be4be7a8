//! Aggregating an organisation's records at import into figures per area, year and category:
//! what dashboards read, so they never touch a record.

use std::collections::{BTreeMap, BTreeSet};

use baken_domain::area::{AreaCode, Observation};
use baken_domain::table::{Cell, Column, ColumnType};

/// Which columns a rollup uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollupPlan {
    area: usize,
    period: usize,
    categories: Vec<usize>,
    sums: Vec<usize>,
    headers: Vec<String>,
}

impl RollupPlan {
    /// A plan when the table has a municipality column and a date (or a year) column:
    /// counts per area and year, per value of each category column, and sums of the numeric
    /// columns that are not identifiers.
    pub fn new(columns: &[Column], categories: &[(String, BTreeSet<String>)]) -> Option<Self> {
        let area = columns
            .iter()
            .position(|c| c.kind == ColumnType::AreaCode)?;
        let period = columns
            .iter()
            .position(|c| c.kind == ColumnType::Date)
            .or_else(|| {
                columns.iter().position(|c| {
                    c.kind == ColumnType::Integer
                        && matches!(
                            c.header.to_lowercase().as_str(),
                            "jaar" | "year" | "periode"
                        )
                })
            })?;
        let is_id = |c: &Column| {
            let h = c.header.to_lowercase();
            h == "id" || h.ends_with("_id") || h.ends_with(" id") || h.ends_with("nummer")
        };
        Some(Self {
            area,
            period,
            categories: columns
                .iter()
                .enumerate()
                .filter(|(_, c)| categories.iter().any(|(k, _)| *k == c.key))
                .map(|(i, _)| i)
                .collect(),
            sums: columns
                .iter()
                .enumerate()
                .filter(|(i, c)| {
                    matches!(c.kind, ColumnType::Integer | ColumnType::Decimal)
                        && !is_id(c)
                        && *i != period
                })
                .map(|(i, _)| i)
                .collect(),
            headers: columns.iter().map(|c| c.header.clone()).collect(),
        })
    }

    pub fn describe(&self) -> String {
        let names = |v: &[usize]| {
            v.iter()
                .map(|i| self.headers[*i].as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "per {} and year of {}; counts by {}; sums of {}",
            self.headers[self.area],
            self.headers[self.period],
            if self.categories.is_empty() {
                "-".to_owned()
            } else {
                names(&self.categories)
            },
            if self.sums.is_empty() {
                "-".to_owned()
            } else {
                names(&self.sums)
            },
        )
    }
}

/// Running totals.
#[derive(Debug, Clone)]
pub struct Rollup {
    plan: RollupPlan,
    /// (area, year, category) → (count, sums)
    totals: BTreeMap<(String, String, String), (u64, Vec<f64>)>,
}

impl Rollup {
    pub fn new(plan: RollupPlan) -> Self {
        Self {
            plan,
            totals: BTreeMap::new(),
        }
    }

    fn text(cell: &Cell) -> Option<String> {
        match cell {
            Cell::Null => None,
            Cell::Integer(i) => Some(i.to_string()),
            Cell::Decimal(d) => Some(d.to_string()),
            Cell::Date(d) => Some(d.clone()),
            Cell::Boolean(b) => Some(if *b { "ja".into() } else { "nee".into() }),
            Cell::Text(t) => Some(t.clone()),
        }
    }

    /// Adds one validated row. Rows without an area or a period are not counted.
    pub fn add(&mut self, cells: &[Cell]) {
        let (Some(area), Some(period)) = (
            cells.get(self.plan.area).and_then(Self::text),
            cells.get(self.plan.period).and_then(Self::text),
        ) else {
            return;
        };
        let year: String = period.chars().take(4).collect();
        let sums: Vec<f64> = self
            .plan
            .sums
            .iter()
            .map(|i| match cells.get(*i) {
                Some(Cell::Integer(v)) => *v as f64,
                Some(Cell::Decimal(v)) => *v,
                _ => 0.0,
            })
            .collect();
        let mut bump = |category: String, with_sums: bool| {
            let entry = self
                .totals
                .entry((area.clone(), year.clone(), category))
                .or_insert_with(|| (0, vec![0.0; sums.len()]));
            entry.0 += 1;
            if with_sums {
                for (t, v) in entry.1.iter_mut().zip(&sums) {
                    *t += v;
                }
            }
        };
        bump(String::new(), true);
        for i in self.plan.categories.clone() {
            if let Some(value) = cells.get(i).and_then(Self::text) {
                bump(format!("{}: {value}", self.plan.headers[i]), false);
            }
        }
    }

    /// The figures: `aantal` per area, year and category, and `som <column>` per area and year.
    pub fn observations(&self) -> Vec<Observation> {
        let mut out = Vec::new();
        for ((area, year, category), (count, sums)) in &self.totals {
            let Ok(area) = AreaCode::parse(area) else {
                continue;
            };
            out.push(Observation {
                area: area.clone(),
                period: year.clone(),
                measure: "aantal".into(),
                category: category.clone(),
                value: Some(*count as f64),
                symbol: None,
            });
            if category.is_empty() {
                for (i, total) in self.plan.sums.iter().zip(sums) {
                    out.push(Observation {
                        area: area.clone(),
                        period: year.clone(),
                        measure: format!("som {}", self.plan.headers[*i]),
                        category: String::new(),
                        value: Some(*total),
                        symbol: None,
                    });
                }
            }
        }
        out
    }
}
