//! Request letters to a body across the border: a template per kind of request with a text in
//! Dutch, French and German, the fields it requires, and the values a letter is filled with.
//! A letter is produced only when every required field has a value; the missing ones are named.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{ContentProblem, Country, valid_id};
use crate::dashboard::indicator::Text;

/// The languages a letter is written in.
pub const LETTER_LANGUAGES: [&str; 3] = ["nl", "fr", "de"];

/// Every variable a template may use.
pub const VARIABLES: [&str; 27] = [
    "afzender.organisatie",
    "afzender.afdeling",
    "afzender.adres",
    "afzender.plaats",
    "afzender.land",
    "afzender.contactpersoon",
    "afzender.functie",
    "afzender.email",
    "afzender.telefoon",
    "ontvanger.instantie",
    "ontvanger.afdeling",
    "ontvanger.adres",
    "ontvanger.plaats",
    "ontvanger.land",
    "kenmerk",
    "datum",
    "betreft.naam",
    "betreft.registratienummer",
    "betreft.adres",
    "betreft.geboortedatum",
    "gevraagd",
    "doel",
    "grondslag",
    "belang",
    "bewaartermijn",
    "vertrouwelijkheid",
    "taal",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    pub nl: String,
    pub fr: String,
    pub de: String,
}

impl Texts {
    pub fn get(&self, lang: &str) -> Option<&str> {
        match lang {
            "nl" => Some(&self.nl),
            "fr" => Some(&self.fr),
            "de" => Some(&self.de),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterTemplate {
    pub id: String,
    pub naam: Text,
    pub ontvanger_land: Country,
    pub verplicht: Vec<String>,
    pub tekst: Texts,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LettersFile {
    pub version: u32,
    pub brief: Vec<LetterTemplate>,
}

/// The values a letter is filled with: variable name (`afzender.organisatie`) → value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterInput(pub BTreeMap<String, String>);

impl LetterInput {
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.0.insert(key.to_owned(), value.into());
    }

    pub fn get(&self, key: &str) -> &str {
        self.0.get(key).map_or("", String::as_str)
    }

    /// The required fields of `template` that have no value, in the template's order.
    pub fn missing(&self, template: &LetterTemplate) -> Vec<String> {
        template
            .verplicht
            .iter()
            .filter(|k| self.get(k).trim().is_empty())
            .cloned()
            .collect()
    }

    /// The values as nested maps (`afzender` → {`organisatie` → …}) for a template engine;
    /// every known variable is present (empty when not given), unknown keys are dropped.
    pub fn context(&self) -> BTreeMap<String, serde_json::Value> {
        let mut root: BTreeMap<String, serde_json::Value> = BTreeMap::new();
        for var in VARIABLES {
            let value = serde_json::Value::String(self.get(var).trim().to_owned());
            match var.split_once('.') {
                Some((group, key)) => {
                    let entry = root
                        .entry(group.to_owned())
                        .or_insert_with(|| serde_json::Value::Object(Default::default()));
                    if let serde_json::Value::Object(map) = entry {
                        map.insert(key.to_owned(), value);
                    }
                }
                None => {
                    root.insert(var.to_owned(), value);
                }
            }
        }
        root
    }
}

/// Checks templates: ids, all three languages, required fields known.
pub fn check(templates: &[LetterTemplate]) -> Vec<ContentProblem> {
    let mut problems = Vec::new();
    let mut ids = std::collections::BTreeSet::new();
    for t in templates {
        let at = format!("brief {}", t.id);
        if !valid_id(&t.id) || !ids.insert(t.id.as_str()) {
            problems.push(ContentProblem {
                at: at.clone(),
                reason: "the id is not a unique lowercase id".into(),
            });
        }
        for lang in LETTER_LANGUAGES {
            if t.tekst.get(lang).is_none_or(|x| x.trim().is_empty()) {
                problems.push(ContentProblem {
                    at: at.clone(),
                    reason: format!("no text in {lang}"),
                });
            }
        }
        for v in t
            .verplicht
            .iter()
            .filter(|v| !VARIABLES.contains(&v.as_str()))
        {
            problems.push(ContentProblem {
                at: at.clone(),
                reason: format!("unknown required field {v:?}"),
            });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_required_fields_are_named_in_order() {
        let t = LetterTemplate {
            id: "brief".into(),
            naam: Text {
                nl: "x".into(),
                en: "x".into(),
            },
            ontvanger_land: Country::Germany,
            verplicht: vec!["kenmerk".into(), "grondslag".into(), "belang".into()],
            tekst: Texts {
                nl: "a".into(),
                fr: "b".into(),
                de: "c".into(),
            },
        };
        let mut input = LetterInput::default();
        input.set("grondslag", "Wet Bibob art. 7");
        input.set("belang", "   ");
        assert_eq!(input.missing(&t), ["kenmerk", "belang"]);
        let ctx = input.context();
        assert_eq!(ctx["afzender"]["organisatie"], "");
        assert_eq!(ctx["grondslag"], "Wet Bibob art. 7");
        assert!(check(&[t]).is_empty());
    }
}
