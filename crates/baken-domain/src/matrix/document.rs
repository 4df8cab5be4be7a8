//! An organisation's own version of a phenomenon's matrix: the catalogue's indicators as it
//! adopted them, with its own indicators, its own sources and its own weights; versions of it
//! are compared indicator by indicator.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::catalogue::{MatrixIndicator, Phenomenon, Source};

/// A phenomenon's matrix as an organisation keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MatrixDocument {
    pub phenomenon: Phenomenon,
    /// Sources the organisation adds to the catalogue's.
    #[serde(default)]
    pub own_sources: Vec<Source>,
}

/// One problem of a matrix, named by its row (indicator) when it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// The spreadsheet row (the header is row 1), when the matrix came from a file.
    pub row: Option<usize>,
    pub indicator: String,
    pub reason: String,
}

impl MatrixDocument {
    /// Every problem: duplicate ids, scores out of range, unknown sources (neither the
    /// catalogue's nor its own), combinations with indicators it does not have. `rows` gives the
    /// file row of each indicator, when known.
    pub fn problems(&self, catalogue: &[Source], rows: &[usize]) -> Vec<RowProblem> {
        let known: BTreeSet<&str> = catalogue
            .iter()
            .chain(&self.own_sources)
            .map(|s| s.id.as_str())
            .collect();
        let ids: BTreeSet<&str> = self
            .phenomenon
            .indicatoren
            .iter()
            .map(|i| i.id.as_str())
            .collect();
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for (n, i) in self.phenomenon.indicatoren.iter().enumerate() {
            let mut bad = |reason: String| {
                out.push(RowProblem {
                    row: rows.get(n).copied(),
                    indicator: i.id.clone(),
                    reason,
                })
            };
            if i.id.is_empty()
                || i.id.len() > 80
                || !i
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                bad("the id is lowercase letters, digits and hyphens".into());
            }
            if !seen.insert(i.id.as_str()) {
                bad("the indicator appears twice".into());
            }
            if !i.criteria.valid() {
                bad("every criterion is scored 1 to 5".into());
            }
            if i.naam.nl.trim().is_empty() {
                bad("the indicator has no name".into());
            }
            if i.bronnen.is_empty() {
                bad("the indicator names no source".into());
            }
            for s in &i.bronnen {
                if !known.contains(s.as_str()) {
                    bad(format!("unknown source {s:?}"));
                }
            }
            for c in &i.combineren_met {
                if !ids.contains(c.as_str()) {
                    bad(format!("combines with {c:?}, which is not in this matrix"));
                }
            }
        }
        out
    }
}

/// What changed between two versions of a matrix.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MatrixDiff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Indicator id and the fields that differ.
    pub changed: Vec<(String, Vec<&'static str>)>,
}

impl MatrixDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

fn changed_fields(a: &MatrixIndicator, b: &MatrixIndicator) -> Vec<&'static str> {
    let mut out = Vec::new();
    if a.naam != b.naam {
        out.push("naam");
    }
    if a.toelichting != b.toelichting {
        out.push("toelichting");
    }
    if a.categorie != b.categorie {
        out.push("categorie");
    }
    if a.criteria != b.criteria {
        out.push("criteria");
    }
    if a.zwaarwegend != b.zwaarwegend {
        out.push("zwaarwegend");
    }
    if a.combineren_met != b.combineren_met {
        out.push("combineren-met");
    }
    if a.bronnen != b.bronnen {
        out.push("bronnen");
    }
    if a.dashboard != b.dashboard {
        out.push("dashboard");
    }
    out
}

/// The indicators added, removed and changed from `old` to `new`.
pub fn diff(old: &Phenomenon, new: &Phenomenon) -> MatrixDiff {
    let find = |p: &Phenomenon, id: &str| p.indicatoren.iter().find(|i| i.id == id).cloned();
    let mut d = MatrixDiff::default();
    for i in &new.indicatoren {
        match find(old, &i.id) {
            None => d.added.push(i.id.clone()),
            Some(before) => {
                let fields = changed_fields(&before, i);
                if !fields.is_empty() {
                    d.changed.push((i.id.clone(), fields));
                }
            }
        }
    }
    for i in &old.indicatoren {
        if find(new, &i.id).is_none() {
            d.removed.push(i.id.clone());
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboard::indicator::Text;
    use crate::matrix::catalogue::{Category, Criteria};

    fn indicator(id: &str) -> MatrixIndicator {
        MatrixIndicator {
            id: id.into(),
            naam: Text {
                nl: id.into(),
                en: id.into(),
            },
            toelichting: Text {
                nl: "-".into(),
                en: "-".into(),
            },
            categorie: Category::Bewoners,
            criteria: Criteria::from_scores([3; 6]),
            zwaarwegend: false,
            combineren_met: vec![],
            bronnen: vec!["brp".into()],
            dashboard: String::new(),
        }
    }

    fn phenomenon(indicators: Vec<MatrixIndicator>) -> Phenomenon {
        Phenomenon {
            id: "drugs".into(),
            naam: Text {
                nl: "Drugs".into(),
                en: "Drugs".into(),
            },
            omschrijving: Text {
                nl: "-".into(),
                en: "-".into(),
            },
            indicatoren: indicators,
        }
    }

    #[test]
    fn a_diff_names_what_was_added_removed_and_changed() {
        let old = phenomenon(vec![indicator("dr-a"), indicator("dr-b")]);
        let mut changed = indicator("dr-b");
        changed.zwaarwegend = true;
        changed.criteria.tijdreeks = 5;
        let new = phenomenon(vec![changed, indicator("dr-c")]);
        let d = diff(&old, &new);
        assert_eq!(d.added, ["dr-c"]);
        assert_eq!(d.removed, ["dr-a"]);
        assert_eq!(
            d.changed,
            [("dr-b".to_owned(), vec!["criteria", "zwaarwegend"])]
        );
        assert!(diff(&new, &new).is_empty());
    }

    #[test]
    fn problems_are_named_by_row() {
        let mut dup = indicator("dr-a");
        dup.criteria.betrouwbaar = 0;
        let mut unknown = indicator("dr-c");
        unknown.bronnen = vec!["geheim".into()];
        let doc = MatrixDocument {
            phenomenon: phenomenon(vec![indicator("dr-a"), dup, unknown]),
            own_sources: vec![],
        };
        let p = doc.problems(&[], &[2, 3, 4]);
        // The BRP is not in an empty catalogue: every row names an unknown source too.
        assert!(
            p.iter()
                .any(|p| p.row == Some(3) && p.reason.contains("twice"))
        );
        assert!(
            p.iter()
                .any(|p| p.row == Some(3) && p.reason.contains("1 to 5"))
        );
        assert!(
            p.iter()
                .any(|p| p.row == Some(4) && p.reason.contains("geheim"))
        );
    }
}
