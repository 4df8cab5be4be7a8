//! Messages in Dutch (first) and English, from Fluent catalogues in `locales/`.
//!
//! Every string a person reads comes from a catalogue key. The language is chosen by the
//! `baken_lang` cookie (set by the switch in the header), then `Accept-Language`, then Dutch.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "nl",
        // No Unicode isolation marks around arguments: they would end up in HTML attributes.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The languages of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Nl,
    En,
}

static NL: LanguageIdentifier = langid!("nl");
static EN: LanguageIdentifier = langid!("en");

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Nl, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Self::Nl => "nl",
            Self::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "nl" => Some(Self::Nl),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The first supported language in an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut candidates: Vec<(f32, Lang)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.trim().split(';');
                let tag = pieces.next()?.trim();
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                let primary = tag.split('-').next()?;
                Lang::from_code(primary).map(|l| (q, l))
            })
            .collect();
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
        candidates.first().map(|(_, l)| *l)
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Self::Nl => &NL,
            Self::En => &EN,
        }
    }

    /// The message `key`.
    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(self.id(), key)
    }

    /// The message `key` with named arguments.
    pub fn t_args(self, key: &str, args: &[(&'static str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone())))
            .collect();
        LOCALES.lookup_with_args(self.id(), key, &map)
    }

    /// What is wrong with a password, in words of this language.
    pub fn password_problem(self, problem: baken_domain::auth::PasswordProblem) -> String {
        crate::pages::password_problem(self, problem)
    }

    /// True when the catalogue of this language defines `key` itself (not by fallback).
    pub fn has(self, key: &str) -> bool {
        let catalogue = match self {
            Self::Nl => include_str!("../locales/nl/main.ftl"),
            Self::En => include_str!("../locales/en/main.ftl"),
        };
        catalogue.lines().any(|line| {
            line.strip_prefix(key)
                .is_some_and(|rest| rest.starts_with(" ="))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        assert_eq!(
            Lang::from_accept_language("en-GB,en;q=0.9,nl;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("de-DE,nl;q=0.5,en;q=0.4"),
            Some(Lang::Nl)
        );
        assert_eq!(Lang::from_accept_language("de-DE"), None);
    }

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let keys = |text: &str| -> Vec<String> {
            let mut keys: Vec<String> = text
                .lines()
                .filter(|l| {
                    l.chars().next().is_some_and(|c| c.is_ascii_lowercase()) && l.contains(" =")
                })
                .filter_map(|l| l.split(" =").next().map(|k| k.trim().to_owned()))
                .collect();
            keys.sort();
            keys
        };
        let nl = keys(include_str!("../locales/nl/main.ftl"));
        let en = keys(include_str!("../locales/en/main.ftl"));
        let missing_en: Vec<_> = nl.iter().filter(|k| !en.contains(k)).collect();
        let missing_nl: Vec<_> = en.iter().filter(|k| !nl.contains(k)).collect();
        assert!(missing_en.is_empty(), "missing in en: {missing_en:?}");
        assert!(missing_nl.is_empty(), "missing in nl: {missing_nl:?}");
        assert!(nl.len() > 50);
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists_in_both_languages() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/");
        let mut sources = Vec::new();
        for sub in ["templates", "src", "src/pages", "src/api"] {
            for entry in std::fs::read_dir(format!("{dir}{sub}")).unwrap() {
                let path = entry.unwrap().path();
                if path.is_file() {
                    sources.push(std::fs::read_to_string(path).unwrap());
                }
            }
        }
        let mut missing = Vec::new();
        let mut seen = 0;
        for text in &sources {
            for marker in [".t(\"", " t(\"", "t_args(\""] {
                for piece in text.split(marker).skip(1) {
                    let Some(key) = piece.split('"').next() else {
                        continue;
                    };
                    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    {
                        continue;
                    }
                    seen += 1;
                    for lang in Lang::ALL {
                        if !lang.has(key) {
                            missing.push(format!("{}:{key}", lang.code()));
                        }
                    }
                }
            }
        }
        assert!(seen > 50, "only {seen} keys found: is the scan broken?");
        assert!(missing.is_empty(), "missing messages: {missing:?}");
    }
}
