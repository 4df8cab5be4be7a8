//! Signals and the step plan (the CCV *modelprotocol*): subjects with their identifiers, what a
//! signal records, the state machine, and the checks a step's fields must pass.
//!
//! Everything here is pure: the store calls it before anything is written, so a draft that
//! breaks a rule is refused with a field error and nothing is stored.

pub mod config;
pub mod ids;
pub mod marking;
pub mod protocol;
pub mod step;
pub mod subject;

pub use config::Protocol;
pub use marking::{Channel, InfoGrade, SourceGrade, Tlp};
pub use protocol::{Action, Field, State, StepRefusal, TRANSITIONS, Transition};
pub use step::{StepDraft, StepRecord, check_step};
pub use subject::{
    AddressDraft, CompanyDraft, NewAddress, NewCompany, NewPerson, NewRelation, PersonDraft,
    RelationDraft, RelationKind, SubjectKind,
};

use serde::{Deserialize, Serialize};

use crate::matrix::catalogue::Matrices;

/// The longest description a signal may carry.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;
/// The longest free text in a step (reasoning, decision, outcome).
pub const MAX_REASONING_CHARS: usize = 4000;
/// The most subjects one signal may name.
pub const MAX_SUBJECTS: usize = 20;

/// One field that breaks a rule, named as the form and the API name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// A signal as a person or the API submits it, before any rule is applied.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignalDraft {
    /// `YYYY-MM-DD`.
    pub ontvangen: String,
    pub kanaal: String,
    /// The reporting organisation (own municipality, a partner).
    #[serde(default)]
    pub melder_organisatie: String,
    #[serde(default)]
    pub melder_afdeling: String,
    /// A citizen's contact details, only when given and needed; stored encrypted.
    #[serde(default)]
    pub melder_contact: String,
    pub omschrijving: String,
    #[serde(default)]
    pub fenomeen: String,
    #[serde(default)]
    pub indicatoren: Vec<String>,
    pub betrouwbaarheid_bron: String,
    pub betrouwbaarheid_informatie: String,
    #[serde(default = "default_tlp")]
    pub tlp: String,
    /// Ids of subjects already registered in the organisation.
    #[serde(default)]
    pub subjecten: Vec<i64>,
}

fn default_tlp() -> String {
    Tlp::Amber.code().to_owned()
}

/// A signal that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSignal {
    pub received_on: time::Date,
    pub channel: Channel,
    pub reporter_org: String,
    pub reporter_department: String,
    /// Encrypted by the store; empty when not given (always empty for Meld Misdaad Anoniem).
    pub reporter_contact: String,
    pub description: String,
    pub phenomenon: Option<String>,
    pub indicators: Vec<String>,
    pub source_grade: SourceGrade,
    pub info_grade: InfoGrade,
    pub tlp: Tlp,
    pub subjects: Vec<i64>,
}

fn short_text(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize) -> String {
    let value = value.trim();
    if value.chars().count() > max {
        errors.push(FieldError::new(
            field,
            format!("at most {max} characters; record only what is needed"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.push(FieldError::new(field, "contains control characters"));
    }
    value.to_owned()
}

impl SignalDraft {
    /// Applies every rule; all problems are returned together.
    pub fn validate(
        &self,
        matrices: &Matrices,
        today: time::Date,
    ) -> Result<NewSignal, Vec<FieldError>> {
        let mut errors = Vec::new();
        let received_on = ids::parse_past_date(&self.ontvangen, today)
            .map_err(|e| errors.push(FieldError::new("ontvangen", e.to_string())))
            .ok();
        let channel = Channel::from_code(&self.kanaal);
        if channel.is_none() {
            errors.push(FieldError::new(
                "kanaal",
                format!(
                    "unknown channel; one of {}",
                    Channel::ALL
                        .iter()
                        .map(|c| c.code())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let description = short_text(
            &mut errors,
            "omschrijving",
            &self.omschrijving,
            MAX_DESCRIPTION_CHARS,
        );
        if description.is_empty() {
            errors.push(FieldError::new(
                "omschrijving",
                "a signal needs a description",
            ));
        }
        let reporter_org = short_text(
            &mut errors,
            "melder_organisatie",
            &self.melder_organisatie,
            120,
        );
        let reporter_department =
            short_text(&mut errors, "melder_afdeling", &self.melder_afdeling, 120);
        let mut reporter_contact =
            short_text(&mut errors, "melder_contact", &self.melder_contact, 300);
        if channel == Some(Channel::AnonymousCrimeLine) && !reporter_contact.is_empty() {
            errors.push(FieldError::new(
                "melder_contact",
                "a Meld Misdaad Anoniem report has no reporter details; leave this empty",
            ));
            reporter_contact.clear();
        }
        let phenomenon = match self.fenomeen.trim() {
            "" => None,
            id => match matrices.phenomena.iter().find(|p| p.id == id) {
                Some(p) => Some(p.id.clone()),
                None => {
                    errors.push(FieldError::new(
                        "fenomeen",
                        format!("unknown phenomenon {id:?}"),
                    ));
                    None
                }
            },
        };
        let mut indicators = Vec::new();
        for id in self
            .indicatoren
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
        {
            let known = match &phenomenon {
                Some(p) => matrices
                    .phenomena
                    .iter()
                    .filter(|x| &x.id == p)
                    .any(|x| x.indicatoren.iter().any(|i| i.id == id)),
                None => false,
            };
            if known {
                if !indicators.iter().any(|i: &String| i == id) {
                    indicators.push(id.to_owned());
                }
            } else {
                errors.push(FieldError::new(
                    "indicatoren",
                    format!("unknown indicator {id:?} for the chosen phenomenon"),
                ));
            }
        }
        let source_grade = SourceGrade::from_code(&self.betrouwbaarheid_bron);
        if source_grade.is_none() {
            errors.push(FieldError::new(
                "betrouwbaarheid_bron",
                "a source grade is A, B, C or D",
            ));
        }
        let info_grade = InfoGrade::from_code(&self.betrouwbaarheid_informatie);
        if info_grade.is_none() {
            errors.push(FieldError::new(
                "betrouwbaarheid_informatie",
                "an information grade is 1, 2, 3 or 4",
            ));
        }
        let tlp = Tlp::from_code(&self.tlp);
        if tlp.is_none() {
            errors.push(FieldError::new(
                "tlp",
                "TLP is clear, green, amber, amber-strict or red",
            ));
        }
        if self.subjecten.len() > MAX_SUBJECTS {
            errors.push(FieldError::new(
                "subjecten",
                format!("at most {MAX_SUBJECTS} subjects per signal"),
            ));
        }
        let mut subjects = self.subjecten.clone();
        subjects.sort_unstable();
        subjects.dedup();
        match (received_on, channel, source_grade, info_grade, tlp) {
            (Some(received_on), Some(channel), Some(source_grade), Some(info_grade), Some(tlp))
                if errors.is_empty() =>
            {
                Ok(NewSignal {
                    received_on,
                    channel,
                    reporter_org,
                    reporter_department,
                    reporter_contact,
                    description,
                    phenomenon,
                    indicators,
                    source_grade,
                    info_grade,
                    tlp,
                    subjects,
                })
            }
            _ => Err(errors),
        }
    }
}
