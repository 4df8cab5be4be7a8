//! Messages in Dutch (first) and English, from Fluent catalogues in `locales/`; German and
//! French for the cross-border pages (and the shell around them), falling back to English.
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
    De,
    Fr,
}

static NL: LanguageIdentifier = langid!("nl");
static EN: LanguageIdentifier = langid!("en");
static DE: LanguageIdentifier = langid!("de");
static FR: LanguageIdentifier = langid!("fr");

impl Lang {
    /// Every language a page can be asked in.
    pub const ALL: [Lang; 4] = [Lang::Nl, Lang::En, Lang::De, Lang::Fr];
    /// The languages of the whole interface: every key exists in both.
    pub const INTERFACE: [Lang; 2] = [Lang::Nl, Lang::En];
    /// The languages of the cross-border pages: every key they use exists in all four.
    pub const CROSS_BORDER: [Lang; 4] = [Lang::Nl, Lang::En, Lang::De, Lang::Fr];

    pub fn code(self) -> &'static str {
        match self {
            Self::Nl => "nl",
            Self::En => "en",
            Self::De => "de",
            Self::Fr => "fr",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "nl" => Some(Self::Nl),
            "en" => Some(Self::En),
            "de" => Some(Self::De),
            "fr" => Some(Self::Fr),
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
                // German and French are chosen with the switch on the cross-border pages; a
                // browser's preference picks only a language the whole interface speaks.
                Lang::from_code(primary)
                    .filter(|l| Lang::INTERFACE.contains(l))
                    .map(|l| (q, l))
            })
            .collect();
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
        candidates.first().map(|(_, l)| *l)
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Self::Nl => &NL,
            Self::En => &EN,
            Self::De => &DE,
            Self::Fr => &FR,
        }
    }

    /// The language a key is looked up in: German and French fall back to English for the
    /// keys they do not have (the pages outside the cross-border part).
    fn resolved(self, key: &str) -> Self {
        match self {
            Self::De | Self::Fr if !self.has(key) => Self::En,
            other => other,
        }
    }

    /// The message `key`.
    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(self.resolved(key).id(), key)
    }

    /// The message `key` with named arguments.
    pub fn t_args(self, key: &str, args: &[(&'static str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone())))
            .collect();
        LOCALES.lookup_with_args(self.resolved(key).id(), key, &map)
    }

    /// What is wrong with a password, in words of this language.
    pub fn password_problem(self, problem: baken_domain::auth::PasswordProblem) -> String {
        crate::pages::password_problem(self, problem)
    }

    /// True when the catalogue of this language defines `key` itself (not by fallback).
    pub fn has(self, key: &str) -> bool {
        static KEYS: std::sync::OnceLock<[std::collections::HashSet<&'static str>; 4]> =
            std::sync::OnceLock::new();
        let keys = KEYS.get_or_init(|| {
            [
                include_str!("../locales/nl/main.ftl"),
                include_str!("../locales/en/main.ftl"),
                include_str!("../locales/de/main.ftl"),
                include_str!("../locales/fr/main.ftl"),
            ]
            .map(|catalogue| {
                catalogue
                    .lines()
                    .filter_map(|line| line.split_once(" =").map(|(k, _)| k))
                    .filter(|k| !k.starts_with(' ') && !k.starts_with('#'))
                    .collect()
            })
        });
        let index = match self {
            Self::Nl => 0,
            Self::En => 1,
            Self::De => 2,
            Self::Fr => 3,
        };
        keys[index].contains(key)
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
                    for lang in Lang::INTERFACE {
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

    /// The cross-border pages speak German and French too: every key their templates and
    /// code use, and every key of the shell around them, exists in all four languages.
    #[test]
    fn the_cross_border_pages_speak_four_languages() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/");
        let mut sources = vec![
            std::fs::read_to_string(format!("{dir}src/pages/crossborder.rs")).unwrap(),
            std::fs::read_to_string(format!("{dir}templates/base.html")).unwrap(),
            std::fs::read_to_string(format!("{dir}src/pages/shell.rs")).unwrap(),
        ];
        for entry in std::fs::read_dir(format!("{dir}templates")).unwrap() {
            let path = entry.unwrap().path();
            if path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("grens"))
            {
                sources.push(std::fs::read_to_string(path).unwrap());
            }
        }
        let mut keys: Vec<String> = Vec::new();
        for text in &sources {
            for marker in [".t(\"", "t_args(\""] {
                for piece in text.split(marker).skip(1) {
                    if let Some(key) = piece.split('"').next()
                        && !key.is_empty()
                        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    {
                        keys.push(key.to_owned());
                    }
                }
            }
        }
        // The navigation and the notices the shell may show on these pages.
        keys.extend(
            [
                "nav-zicht",
                "nav-matrices",
                "nav-signalen",
                "nav-delen",
                "nav-grens",
                "nav-gereedheid",
            ]
            .map(str::to_owned),
        );
        // Keys made at run time on these pages.
        for t in baken_domain::crossborder::glossary::TOPICS {
            keys.push(format!("grens-topic-{t}"));
        }
        for o in baken_domain::crossborder::case::Obstacle::ALL {
            keys.push(format!("grens-obstacle-{}", o.code()));
        }
        for o in baken_domain::crossborder::case::CaseOutcome::ALL {
            keys.push(format!("grens-outcome-{}", o.code()));
        }
        for f in crate::pages::crossborder::LETTER_FORM_FIELDS {
            keys.push(format!("grens-field-{}", f.replace('.', "-")));
        }
        for l in ["nl", "fr", "de"] {
            keys.push(format!("grens-lang-{l}"));
        }
        assert!(
            keys.len() > 100,
            "only {} keys: is the scan broken?",
            keys.len()
        );
        let missing: Vec<String> = keys
            .iter()
            .flat_map(|k| {
                Lang::CROSS_BORDER
                    .iter()
                    .filter(|l| !l.has(k))
                    .map(move |l| format!("{}:{k}", l.code()))
            })
            .collect();
        assert!(missing.is_empty(), "missing: {missing:?}");
    }
}
