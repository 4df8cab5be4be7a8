//! A municipality's own version of the step plan: the checklist of weighing 1 (features, local
//! anchoring, signalling indicators with red flags), the severity factors of weighing 3, the
//! maintained list of legal bases, role names, retention terms per outcome and the rule that
//! flags accumulation. Baken ships the CCV model (`data/signals/protocol.toml`); a municipality
//! adopts a copy, adapts it, and may publish it as a template for others.
//!
//! [`Protocol::check`] refuses a configuration that could make a protected trait a criterion.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::protocol::State;
use crate::dashboard::indicator::Text;

/// A checklist item, severity factor or red flag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub tekst: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toelichting: Option<Text>,
}

/// A red flag: a concrete, observable fact that makes a signalling indicator visible.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedFlag {
    pub id: String,
    pub nl: String,
    pub en: String,
}

/// A signalling indicator with its red flags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignallingIndicator {
    pub id: String,
    pub tekst: Text,
    pub toelichting: Text,
    pub rode_vlaggen: Vec<RedFlag>,
}

/// A legal basis a step may name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalBasis {
    pub id: String,
    /// The citation, e.g. `AVG art. 6 lid 1 sub e`.
    pub artikel: String,
    pub titel: Text,
    pub uitleg: Text,
}

/// Retention in days per closing outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RetentionTerms {
    pub niet_opgepakt: u32,
    pub doorverwezen: u32,
    pub naar_vakafdeling: u32,
    pub naar_riec: u32,
    pub eigen_aanpak: u32,
    pub afgerond: u32,
}

impl RetentionTerms {
    /// Days a signal closed in `state` is kept; `None` for a state that is still open.
    pub fn days(&self, state: State) -> Option<u32> {
        Some(match state {
            State::NotHandled => self.niet_opgepakt,
            State::Referred => self.doorverwezen,
            State::ToDepartment => self.naar_vakafdeling,
            State::ToRiec => self.naar_riec,
            State::OwnApproach => self.eigen_aanpak,
            State::Completed => self.afgerond,
            _ => return None,
        })
    }
}

/// When signals about one address or company count as accumulating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accumulation {
    /// At least this many signals …
    pub signalen: u32,
    /// … received within this many months.
    pub maanden: u32,
}

/// A municipality's step plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Protocol {
    pub version: u32,
    pub naam: Text,
    pub bewaartermijnen: RetentionTerms,
    pub ophoping: Accumulation,
    /// Role key (`regisseur`, `team`, `privacy`, `analist`, `bronhouder`) → the name used here.
    pub rollen: BTreeMap<String, Text>,
    pub kenmerk: Vec<Item>,
    pub verankering: Vec<Item>,
    pub signalering: Vec<SignallingIndicator>,
    pub ernst: Vec<Item>,
    pub grondslag: Vec<LegalBasis>,
}

/// The role keys a protocol names.
pub const ROLE_KEYS: [&str; 5] = ["regisseur", "team", "privacy", "analist", "bronhouder"];

/// The longest retention term accepted: ten years.
pub const MAX_RETENTION_DAYS: u32 = 3650;

/// Words that name a protected trait (AVG art. 9 and the grounds of art. 1 of the Dutch
/// constitution and the Equal Treatment Act). A checklist that mentions one is refused: the
/// revised modelprotocol and the SyRI judgment rule out criteria about who a person is.
const PROTECTED_WORDS: &[&str] = &[
    "nationaliteit",
    "nationaliteiten",
    "etniciteit",
    "etnisch",
    "etnische",
    "afkomst",
    "geboorteland",
    "migratieachtergrond",
    "ras",
    "religie",
    "godsdienst",
    "geloof",
    "geloofsovertuiging",
    "levensovertuiging",
    "gezondheid",
    "gezondheidstoestand",
    "medisch",
    "medische",
    "handicap",
    "politieke opvatting",
    "politieke opvattingen",
    "politieke voorkeur",
    "seksuele geaardheid",
    "seksuele gerichtheid",
    "vakbond",
    "vakbondslidmaatschap",
    "geslacht",
    "nationality",
    "nationalities",
    "ethnicity",
    "ethnic",
    "race",
    "racial",
    "religion",
    "religious",
    "health",
    "medical",
    "disability",
    "sexual orientation",
    "political opinion",
    "political opinions",
    "trade union",
    "gender",
    "birthplace",
    "country of birth",
    "immigrant",
    "migrant",
];

/// What is wrong with a protocol configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolProblem {
    /// Where: `kenmerk[2].tekst`, `bewaartermijnen`, …
    pub at: String,
    pub reason: String,
}

impl Protocol {
    /// Every problem, or none: counts, unique ids, both languages, terms, role keys, the legal
    /// bases, and no protected trait anywhere a criterion is defined.
    pub fn check(&self) -> Vec<ProtocolProblem> {
        let mut problems = Vec::new();
        let mut problem = |at: String, reason: &str| {
            problems.push(ProtocolProblem {
                at,
                reason: reason.to_owned(),
            })
        };
        if self.verankering.is_empty() {
            problem(
                "verankering".into(),
                "weighing 1 needs at least one indicator of local anchoring",
            );
        }
        if self.ernst.is_empty() {
            problem(
                "ernst".into(),
                "weighing 3 needs at least one severity factor",
            );
        }
        if self.grondslag.is_empty() {
            problem("grondslag".into(), "the list of legal bases is empty");
        }
        for key in ROLE_KEYS {
            if !self.rollen.contains_key(key) {
                problem(format!("rollen.{key}"), "missing role name");
            }
        }
        for key in self.rollen.keys() {
            if !ROLE_KEYS.contains(&key.as_str()) {
                problem(format!("rollen.{key}"), "unknown role key");
            }
        }
        let terms = self.bewaartermijnen;
        for (name, days) in [
            ("niet-opgepakt", terms.niet_opgepakt),
            ("doorverwezen", terms.doorverwezen),
            ("naar-vakafdeling", terms.naar_vakafdeling),
            ("naar-riec", terms.naar_riec),
            ("eigen-aanpak", terms.eigen_aanpak),
            ("afgerond", terms.afgerond),
        ] {
            if days == 0 || days > MAX_RETENTION_DAYS {
                problem(
                    format!("bewaartermijnen.{name}"),
                    "a retention term is 1 to 3650 days",
                );
            }
        }
        if self.ophoping.signalen < 2 || self.ophoping.maanden == 0 || self.ophoping.maanden > 60 {
            problem(
                "ophoping".into(),
                "accumulation needs at least 2 signals within 1 to 60 months",
            );
        }
        let mut ids = BTreeSet::new();
        let mut texts: Vec<(String, &str)> = Vec::new();
        for (list, items) in [
            ("kenmerk", &self.kenmerk),
            ("verankering", &self.verankering),
            ("ernst", &self.ernst),
        ] {
            for (i, item) in items.iter().enumerate() {
                ids_and_texts(
                    &mut ids,
                    &mut texts,
                    &mut problems,
                    format!("{list}[{i}]"),
                    &item.id,
                    &item.tekst,
                );
                if let Some(t) = &item.toelichting {
                    texts.push((format!("{list}[{i}].toelichting"), &t.nl));
                    texts.push((format!("{list}[{i}].toelichting"), &t.en));
                }
            }
        }
        for (i, s) in self.signalering.iter().enumerate() {
            let at = format!("signalering[{i}]");
            ids_and_texts(
                &mut ids,
                &mut texts,
                &mut problems,
                at.clone(),
                &s.id,
                &s.tekst,
            );
            texts.push((format!("{at}.toelichting"), &s.toelichting.nl));
            texts.push((format!("{at}.toelichting"), &s.toelichting.en));
            for (j, flag) in s.rode_vlaggen.iter().enumerate() {
                let text = Text {
                    nl: flag.nl.clone(),
                    en: flag.en.clone(),
                };
                let at = format!("{at}.rode_vlaggen[{j}]");
                if !valid_id(&flag.id) || !ids.insert(flag.id.clone()) {
                    problems.push(ProtocolProblem {
                        at: at.clone(),
                        reason: format!("id {:?} is not a unique lowercase id", flag.id),
                    });
                }
                if text.nl.trim().is_empty() || text.en.trim().is_empty() {
                    problems.push(ProtocolProblem {
                        at: at.clone(),
                        reason: "needs a Dutch and an English text".into(),
                    });
                }
                texts.push((at.clone(), &flag.nl));
                texts.push((at, &flag.en));
            }
        }
        for (i, g) in self.grondslag.iter().enumerate() {
            let at = format!("grondslag[{i}]");
            if !valid_id(&g.id) || !ids.insert(g.id.clone()) {
                problems.push(ProtocolProblem {
                    at: at.clone(),
                    reason: format!("id {:?} is not a unique lowercase id", g.id),
                });
            }
            if g.artikel.trim().is_empty()
                || g.titel.nl.trim().is_empty()
                || g.titel.en.trim().is_empty()
            {
                problems.push(ProtocolProblem {
                    at,
                    reason: "a legal basis needs its article and a title in both languages".into(),
                });
            }
        }
        for (at, text) in texts {
            if let Some(word) = protected_word(text) {
                problems.push(ProtocolProblem {
                    at,
                    reason: format!(
                        "names a protected trait ({word:?}); a criterion may never be about who a person is"
                    ),
                });
            }
        }
        problems
    }

    pub fn legal_basis(&self, id: &str) -> Option<&LegalBasis> {
        self.grondslag.iter().find(|g| g.id == id)
    }

    /// Every checklist id with its text: features, anchoring, signalling indicators, red flags.
    pub fn checklist_ids(&self) -> BTreeSet<&str> {
        let mut ids: BTreeSet<&str> = self
            .kenmerk
            .iter()
            .chain(&self.verankering)
            .map(|i| i.id.as_str())
            .collect();
        for s in &self.signalering {
            ids.insert(&s.id);
            ids.extend(s.rode_vlaggen.iter().map(|f| f.id.as_str()));
        }
        ids
    }

    /// The label of a checklist item, severity factor or red flag, in `lang`.
    pub fn label(&self, id: &str, lang: &str) -> Option<String> {
        let items = self
            .kenmerk
            .iter()
            .chain(&self.verankering)
            .chain(&self.ernst);
        if let Some(i) = items.clone().find(|i| i.id == id) {
            return Some(i.tekst.get(lang).to_owned());
        }
        for s in &self.signalering {
            if s.id == id {
                return Some(s.tekst.get(lang).to_owned());
            }
            if let Some(f) = s.rode_vlaggen.iter().find(|f| f.id == id) {
                return Some(if lang == "en" {
                    f.en.clone()
                } else {
                    f.nl.clone()
                });
            }
        }
        None
    }
}

fn ids_and_texts<'a>(
    ids: &mut BTreeSet<String>,
    texts: &mut Vec<(String, &'a str)>,
    problems: &mut Vec<ProtocolProblem>,
    at: String,
    id: &'a str,
    text: &'a Text,
) {
    if !valid_id(id) || !ids.insert(id.to_owned()) {
        problems.push(ProtocolProblem {
            at: at.clone(),
            reason: format!("id {id:?} is not a unique lowercase id"),
        });
    }
    if text.nl.trim().is_empty() || text.en.trim().is_empty() {
        problems.push(ProtocolProblem {
            at: at.clone(),
            reason: "needs a Dutch and an English text".into(),
        });
    }
    texts.push((format!("{at}.tekst"), &text.nl));
    texts.push((format!("{at}.tekst"), &text.en));
    texts.push((format!("{at}.id"), id));
}

fn valid_id(id: &str) -> bool {
    (2..=60).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The first protected-trait word or phrase in `text`, compared word by word (case ignored).
pub fn protected_word(text: &str) -> Option<&'static str> {
    let lowered = text.to_lowercase();
    let words: Vec<&str> = lowered
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    PROTECTED_WORDS.iter().copied().find(|phrase| {
        let parts: Vec<&str> = phrase.split(' ').collect();
        words.windows(parts.len()).any(|w| w == parts.as_slice())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(nl: &str) -> Text {
        Text {
            nl: nl.into(),
            en: format!("{nl} (en)"),
        }
    }

    fn minimal() -> Protocol {
        Protocol {
            version: 1,
            naam: text("Test"),
            bewaartermijnen: RetentionTerms {
                niet_opgepakt: 365,
                doorverwezen: 365,
                naar_vakafdeling: 730,
                naar_riec: 730,
                eigen_aanpak: 1825,
                afgerond: 1825,
            },
            ophoping: Accumulation {
                signalen: 3,
                maanden: 12,
            },
            rollen: ROLE_KEYS
                .iter()
                .map(|k| ((*k).to_owned(), text(k)))
                .collect(),
            kenmerk: vec![],
            verankering: vec![Item {
                id: "verankering-economisch".into(),
                tekst: text("Gelegenheidsstructuur in de economische omgeving"),
                toelichting: None,
            }],
            signalering: vec![SignallingIndicator {
                id: "signalering-incongruentie".into(),
                tekst: text("Incongruenties"),
                toelichting: text("Wat niet klopt"),
                rode_vlaggen: vec![RedFlag {
                    id: "rv-contant".into(),
                    nl: "Grote contante betalingen".into(),
                    en: "Large cash payments".into(),
                }],
            }],
            ernst: vec![Item {
                id: "ernst-recent".into(),
                tekst: text("Recent"),
                toelichting: None,
            }],
            grondslag: vec![LegalBasis {
                id: "avg-6-1-e".into(),
                artikel: "AVG art. 6 lid 1 sub e".into(),
                titel: text("Publieke taak"),
                uitleg: text("Uitleg"),
            }],
        }
    }

    #[test]
    fn a_sound_protocol_has_no_problems() {
        assert_eq!(minimal().check(), vec![]);
        assert_eq!(
            minimal().label("rv-contant", "en").as_deref(),
            Some("Large cash payments")
        );
        assert!(minimal().checklist_ids().contains("verankering-economisch"));
        assert_eq!(minimal().bewaartermijnen.days(State::NotHandled), Some(365));
        assert_eq!(minimal().bewaartermijnen.days(State::Intake), None);
    }

    #[test]
    fn a_protected_trait_can_never_be_a_criterion() {
        for bad in [
            "Nationaliteit van de huurder",
            "Persoon met een migratieachtergrond",
            "Ethnic background of the owner",
            "Religieuze … geloof van de eigenaar",
        ] {
            let mut p = minimal();
            p.signalering[0].rode_vlaggen.push(RedFlag {
                id: "rv-fout".into(),
                nl: bad.into(),
                en: "x".into(),
            });
            let problems = p.check();
            assert_eq!(problems.len(), 1, "{bad}: {problems:?}");
            assert!(problems[0].at.starts_with("signalering[0].rode_vlaggen[1]"));
            assert!(problems[0].reason.contains("protected trait"));
        }
        // Words that merely contain a protected word are not refused.
        assert_eq!(protected_word("Onduidelijke herkomst van het geld"), None);
        assert_eq!(protected_word("Verrassend hoge huur"), None);
        assert_eq!(protected_word("Gezondheid"), Some("gezondheid"));
        assert_eq!(
            protected_word("Ontwrichting van politieke structuren"),
            None
        );
        assert_eq!(
            protected_word("Naar politieke  voorkeur"),
            Some("politieke voorkeur")
        );
    }

    #[test]
    fn terms_ids_and_roles_are_checked() {
        let mut p = minimal();
        p.bewaartermijnen.niet_opgepakt = 0;
        p.rollen.remove("privacy");
        p.ernst.push(p.ernst[0].clone());
        p.ophoping.signalen = 1;
        let at: Vec<String> = p.check().into_iter().map(|x| x.at).collect();
        assert_eq!(
            at,
            vec![
                "rollen.privacy",
                "bewaartermijnen.niet-opgepakt",
                "ophoping",
                "ernst[1]"
            ]
        );
    }
}
