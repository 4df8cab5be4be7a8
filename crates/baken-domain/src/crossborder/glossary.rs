//! The comparative glossary: each term in Dutch (NL and BE), French, German and English, a
//! definition per country, what differs, the laws it rests on, and related terms. Search folds
//! accents and case in all five languages.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{ContentProblem, Country, fold, valid_id};
use crate::dashboard::indicator::Text;

/// The topics a term belongs to.
pub const TOPICS: [&str; 8] = [
    "bestuur",
    "handhaving",
    "integriteit",
    "registers",
    "samenwerking",
    "privacy",
    "strafrecht",
    "economie",
];

/// The term in the five languages of the Euregion's authorities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    pub nl: String,
    pub nl_be: String,
    pub fr: String,
    pub de: String,
    pub en: String,
}

impl Names {
    pub fn all(&self) -> [&str; 5] {
        [&self.nl, &self.nl_be, &self.fr, &self.de, &self.en]
    }

    /// The name in an interface language (`nl`, `en`, `de`, `fr`).
    pub fn get(&self, lang: &str) -> &str {
        match lang {
            "en" => &self.en,
            "de" => &self.de,
            "fr" => &self.fr,
            _ => &self.nl,
        }
    }
}

/// A definition per country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Definitions {
    pub nl: Text,
    pub be: Text,
    pub de: Text,
}

impl Definitions {
    pub fn of(&self, country: Country) -> &Text {
        match country {
            Country::Netherlands => &self.nl,
            Country::Belgium => &self.be,
            Country::Germany => &self.de,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub id: String,
    pub onderwerp: String,
    pub termen: Names,
    pub definitie: Definitions,
    pub verschil: Text,
    #[serde(default)]
    pub wetgeving: Vec<String>,
    #[serde(default)]
    pub zie_ook: Vec<String>,
}

/// One part of the glossary as a file holds it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaryFile {
    pub version: u32,
    pub begrip: Vec<Term>,
}

/// The whole glossary.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Glossary {
    pub terms: Vec<Term>,
}

impl Glossary {
    /// Joins parts and checks the whole: unique ids, known topics, every text present,
    /// every related term resolvable.
    pub fn from_parts(parts: Vec<GlossaryFile>) -> Result<Self, Vec<ContentProblem>> {
        let mut terms: Vec<Term> = parts.into_iter().flat_map(|p| p.begrip).collect();
        terms.sort_by_key(|t| fold(&t.termen.nl));
        let glossary = Self { terms };
        let problems = glossary.check();
        if problems.is_empty() {
            Ok(glossary)
        } else {
            Err(problems)
        }
    }

    pub fn check(&self) -> Vec<ContentProblem> {
        let mut problems = Vec::new();
        let mut ids = BTreeSet::new();
        for t in &self.terms {
            let mut problem = |reason: String| {
                problems.push(ContentProblem {
                    at: format!("begrip {}", t.id),
                    reason,
                })
            };
            if !valid_id(&t.id) || !ids.insert(t.id.as_str()) {
                problem("the id is not a unique lowercase id".into());
            }
            if !TOPICS.contains(&t.onderwerp.as_str()) {
                problem(format!("unknown topic {:?}", t.onderwerp));
            }
            if t.termen.all().iter().any(|n| n.trim().is_empty()) {
                problem("a term needs all five names".into());
            }
            let texts = [
                &t.definitie.nl,
                &t.definitie.be,
                &t.definitie.de,
                &t.verschil,
            ];
            if texts
                .iter()
                .any(|x| x.nl.trim().is_empty() || x.en.trim().is_empty())
            {
                problem("every definition and the difference need Dutch and English".into());
            }
        }
        for t in &self.terms {
            for other in &t.zie_ook {
                if !ids.contains(other.as_str()) {
                    problems.push(ContentProblem {
                        at: format!("begrip {}", t.id),
                        reason: format!("zie_ook names {other:?}, which is not in the glossary"),
                    });
                }
            }
        }
        problems
    }

    pub fn term(&self, id: &str) -> Option<&Term> {
        self.terms.iter().find(|t| t.id == id)
    }

    /// Terms matching `query` (all five names first, then definitions and differences), in the
    /// topic when one is given. Accents and case are ignored; an empty query matches all.
    pub fn search(&self, query: &str, topic: Option<&str>) -> Vec<&Term> {
        let q = fold(query.trim());
        let mut scored: Vec<(u8, &Term)> = self
            .terms
            .iter()
            .filter(|t| topic.is_none_or(|o| t.onderwerp == o))
            .filter_map(|t| {
                if q.is_empty() {
                    return Some((3, t));
                }
                let names: Vec<String> = t.termen.all().iter().map(|n| fold(n)).collect();
                if names.contains(&q) {
                    Some((0, t))
                } else if names.iter().any(|n| n.starts_with(&q)) {
                    Some((1, t))
                } else if names.iter().any(|n| n.contains(&q)) {
                    Some((2, t))
                } else {
                    let texts = [
                        &t.definitie.nl,
                        &t.definitie.be,
                        &t.definitie.de,
                        &t.verschil,
                    ];
                    texts
                        .iter()
                        .any(|x| fold(&x.nl).contains(&q) || fold(&x.en).contains(&q))
                        .then_some((4, t))
                }
            })
            .collect();
        scored.sort_by_key(|(score, _)| *score);
        scored.into_iter().map(|(_, t)| t).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Text {
        Text {
            nl: s.into(),
            en: s.into(),
        }
    }

    fn term(id: &str, nl: &str, de: &str) -> Term {
        Term {
            id: id.into(),
            onderwerp: "bestuur".into(),
            termen: Names {
                nl: nl.into(),
                nl_be: nl.into(),
                fr: format!("{nl}-fr"),
                de: de.into(),
                en: format!("{nl}-en"),
            },
            definitie: Definitions {
                nl: text("Hoofd van de gemeente"),
                be: text("Hoofd van de gemeente"),
                de: text("Leitung der Gemeinde"),
            },
            verschil: text("Verschillen"),
            wetgeving: vec![],
            zie_ook: vec![],
        }
    }

    #[test]
    fn search_ignores_accents_and_ranks_names_before_definitions() {
        let g = Glossary {
            terms: vec![
                term("wethouder", "wethouder", "Beigeordneter"),
                term("burgemeester", "burgemeester", "Bürgermeister"),
            ],
        };
        let found = g.search("burgermeister", None);
        assert_eq!(found[0].id, "burgemeester");
        assert_eq!(found.len(), 1);
        assert_eq!(
            g.search("GEMEENTE", None).len(),
            2,
            "definitions are searched too"
        );
        assert_eq!(g.search("", Some("handhaving")).len(), 0);
    }

    #[test]
    fn related_terms_must_exist_and_ids_be_unique() {
        let mut a = term("burgemeester", "burgemeester", "Bürgermeister");
        a.zie_ook = vec!["onbekend".into()];
        let b = term("burgemeester", "x", "y");
        let problems = Glossary { terms: vec![a, b] }.check();
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}
