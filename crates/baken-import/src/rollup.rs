//! Aggregating an organisation's records at import into figures per area, year and category:
//! what dashboards read, so they never touch a record.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap as HashMap;

use baken_domain::area::{AreaCode, Observation};
use baken_domain::table::{CellRef, Cells, Column, ColumnType};

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

/// Gives each distinct string a small number, allocating only for new ones.
#[derive(Debug, Clone, Default)]
struct Interner {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(id) = self.ids.get(s) {
            return *id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.ids.insert(s.to_owned(), id);
        self.names.push(s.to_owned());
        id
    }
}

/// (area, year, category column + 1 or 0 for none, category value), as interned ids.
type Key = (u32, u32, u32, u32);

/// Running totals.
#[derive(Debug, Clone)]
pub struct Rollup {
    plan: RollupPlan,
    strings: Interner,
    /// (area, year, category column + 1 or 0 for none, category value) as interned ids →
    /// (count, sums)
    totals: HashMap<Key, (u64, Vec<f64>)>,
}

impl Rollup {
    pub fn new(plan: RollupPlan) -> Self {
        let mut strings = Interner::default();
        strings.id("");
        Self {
            plan,
            strings,
            totals: HashMap::default(),
        }
    }

    fn text(cell: CellRef<'_>) -> Option<std::borrow::Cow<'_, str>> {
        use std::borrow::Cow;
        match cell {
            CellRef::Null => None,
            CellRef::Integer(i) => Some(Cow::Owned(i.to_string())),
            CellRef::Decimal(d) => Some(Cow::Owned(d.to_string())),
            CellRef::Date(d) | CellRef::Text(d) => Some(Cow::Borrowed(d)),
            CellRef::Boolean(b) => Some(Cow::Borrowed(if b { "ja" } else { "nee" })),
        }
    }

    /// Adds one validated row. Rows without an area or a period are not counted.
    pub fn add<C: Cells + ?Sized>(&mut self, cells: &C) {
        let (Some(area), Some(period)) = (
            cells.cell(self.plan.area).and_then(Self::text),
            cells.cell(self.plan.period).and_then(Self::text),
        ) else {
            return;
        };
        let area = self.strings.id(&area);
        let year = self.strings.id(period.get(..4).unwrap_or(&period));
        let n = self.plan.sums.len();
        let total = self
            .totals
            .entry((area, year, 0, 0))
            .or_insert_with(|| (0, vec![0.0; n]));
        total.0 += 1;
        for (t, i) in total.1.iter_mut().zip(&self.plan.sums) {
            *t += match cells.cell(*i) {
                Some(CellRef::Integer(v)) => v as f64,
                Some(CellRef::Decimal(v)) => v,
                _ => 0.0,
            };
        }
        for c in 0..self.plan.categories.len() {
            let i = self.plan.categories[c];
            if let Some(value) = cells.cell(i).and_then(Self::text) {
                let value = self.strings.id(&value);
                let column = u32::try_from(i + 1).unwrap_or(u32::MAX);
                self.totals
                    .entry((area, year, column, value))
                    .or_insert_with(|| (0, Vec::new()))
                    .0 += 1;
            }
        }
    }

    /// Records that `areas` were all observed in every year seen: an area without records in
    /// a year gets a count of zero, so that "none" reads as zero and not as unknown.
    pub fn cover(&mut self, areas: &[String]) {
        let years: std::collections::BTreeSet<u32> =
            self.totals.keys().map(|(_, year, _, _)| *year).collect();
        let n = self.plan.sums.len();
        for area in areas {
            let area = self.strings.id(area);
            for year in &years {
                self.totals
                    .entry((area, *year, 0, 0))
                    .or_insert_with(|| (0, vec![0.0; n]));
            }
        }
    }

    /// The figures: `aantal` per area, year and category, and `som <column>` per area and year.
    pub fn observations(&self) -> Vec<Observation> {
        let mut out = Vec::new();
        let mut keys: Vec<&Key> = self.totals.keys().collect();
        keys.sort_unstable();
        for key in keys {
            let (count, sums) = &self.totals[key];
            let name = |id: u32| self.strings.names[id as usize].as_str();
            let Ok(area) = AreaCode::parse(name(key.0)) else {
                continue;
            };
            let year = name(key.1);
            let category = match key.2 {
                0 => String::new(),
                column => format!(
                    "{}: {}",
                    self.plan.headers[column as usize - 1],
                    name(key.3)
                ),
            };
            out.push(Observation {
                area: area.clone(),
                period: year.to_owned(),
                measure: "aantal".into(),
                category: category.clone(),
                value: Some(*count as f64),
                symbol: None,
            });
            if category.is_empty() {
                for (i, total) in self.plan.sums.iter().zip(sums) {
                    out.push(Observation {
                        area: area.clone(),
                        period: year.to_owned(),
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
