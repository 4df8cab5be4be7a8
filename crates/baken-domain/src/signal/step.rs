//! A step's fields: what a person submits with a transition, and the checks that make it a
//! record fit for the history — every required field present, every criterion from the
//! municipality's own checklist, every legal basis from its maintained list.

use serde::{Deserialize, Serialize};

use super::config::Protocol;
use super::protocol::{Action, Field, Share, Task, Transition};
use super::{FieldError, MAX_REASONING_CHARS};

/// A transition as submitted: the action's name and its fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct StepDraft {
    #[serde(default)]
    pub actie: String,
    #[serde(default)]
    pub motivering: String,
    #[serde(default)]
    pub grondslag: String,
    #[serde(default)]
    pub kenmerken: Vec<String>,
    #[serde(default)]
    pub verankering: Vec<String>,
    #[serde(default)]
    pub rode_vlaggen: Vec<String>,
    #[serde(default)]
    pub ernst: Vec<String>,
    #[serde(default)]
    pub doorverwezen_naar: String,
    #[serde(default)]
    pub afdeling: String,
    #[serde(default)]
    pub bronnen: Vec<String>,
    #[serde(default)]
    pub verenigbaarheid: String,
    #[serde(default)]
    pub noodzaak: String,
    #[serde(default)]
    pub deelnemers: Vec<String>,
    #[serde(default)]
    pub delen: Vec<Share>,
    #[serde(default)]
    pub besluit: String,
    #[serde(default)]
    pub acties: Vec<Task>,
    #[serde(default)]
    pub uitkomst: String,
}

/// The checked fields of one step, as the history keeps them (empty fields left out).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct StepRecord {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub motivering: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub grondslag: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kenmerken: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verankering: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rode_vlaggen: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ernst: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub doorverwezen_naar: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub afdeling: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bronnen: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub verenigbaarheid: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub noodzaak: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deelnemers: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub delen: Vec<Share>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub besluit: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acties: Vec<Task>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uitkomst: String,
}

impl StepDraft {
    /// The action named, or a field error listing the known actions.
    pub fn action(&self) -> Result<Action, FieldError> {
        Action::from_code(&self.actie).ok_or_else(|| {
            FieldError::new(
                "actie",
                format!(
                    "unknown action {:?}; one of {}",
                    self.actie,
                    Action::ALL
                        .iter()
                        .map(|a| a.code())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })
    }

    fn has(&self, field: Field) -> bool {
        match field {
            Field::Reasoning => !self.motivering.trim().is_empty(),
            Field::LegalBasis => !self.grondslag.trim().is_empty(),
            Field::Anchoring => !self.verankering.is_empty(),
            Field::Severity => !self.ernst.is_empty(),
            Field::ReferredTo => !self.doorverwezen_naar.trim().is_empty(),
            Field::Department => !self.afdeling.trim().is_empty(),
            Field::Sources => !self.bronnen.is_empty(),
            Field::Compatibility => !self.verenigbaarheid.trim().is_empty(),
            Field::Necessity => !self.noodzaak.trim().is_empty(),
            Field::Participants => !self.deelnemers.iter().all(|d| d.trim().is_empty()),
            Field::Shares => !self.delen.is_empty(),
            Field::Decision => !self.besluit.trim().is_empty(),
            Field::Tasks => !self.acties.is_empty(),
            Field::Outcome => !self.uitkomst.trim().is_empty(),
        }
    }
}

fn text(errors: &mut Vec<FieldError>, field: Field, value: &str, max: usize) -> String {
    let v = value.trim();
    if v.chars().count() > max {
        errors.push(FieldError::new(
            field.code(),
            format!("at most {max} characters"),
        ));
    }
    if v.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        errors.push(FieldError::new(field.code(), "contains control characters"));
    }
    v.to_owned()
}

fn ids_from(
    errors: &mut Vec<FieldError>,
    field: &str,
    given: &[String],
    known: &[&str],
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in given.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if known.contains(&id) {
            if !out.iter().any(|o| o == id) {
                out.push(id.to_owned());
            }
        } else {
            errors.push(FieldError::new(
                field,
                format!("{id:?} is not on this municipality's checklist"),
            ));
        }
    }
    out
}

/// Checks a step's fields against its row of the step plan and the municipality's protocol.
/// Every problem is returned together; a missing required field is named by its field code.
pub fn check_step(
    row: &Transition,
    draft: &StepDraft,
    protocol: &Protocol,
    today: time::Date,
) -> Result<StepRecord, Vec<FieldError>> {
    let mut errors: Vec<FieldError> = row
        .required
        .iter()
        .filter(|f| !draft.has(**f))
        .map(|f| FieldError::new(f.code(), format!("required for {}", row.action.code())))
        .collect();
    let grondslag = draft.grondslag.trim().to_owned();
    if !grondslag.is_empty() && protocol.legal_basis(&grondslag).is_none() {
        errors.push(FieldError::new(
            Field::LegalBasis.code(),
            format!("{grondslag:?} is not on this municipality's list of legal bases"),
        ));
    }
    let features: Vec<&str> = protocol.kenmerk.iter().map(|i| i.id.as_str()).collect();
    let anchoring: Vec<&str> = protocol.verankering.iter().map(|i| i.id.as_str()).collect();
    let flags: Vec<&str> = protocol
        .signalering
        .iter()
        .flat_map(|s| {
            std::iter::once(s.id.as_str()).chain(s.rode_vlaggen.iter().map(|f| f.id.as_str()))
        })
        .collect();
    let severity: Vec<&str> = protocol.ernst.iter().map(|i| i.id.as_str()).collect();
    let mut record = StepRecord {
        kenmerken: ids_from(&mut errors, "kenmerken", &draft.kenmerken, &features),
        verankering: ids_from(
            &mut errors,
            Field::Anchoring.code(),
            &draft.verankering,
            &anchoring,
        ),
        rode_vlaggen: ids_from(&mut errors, "rode-vlaggen", &draft.rode_vlaggen, &flags),
        ernst: ids_from(&mut errors, Field::Severity.code(), &draft.ernst, &severity),
        grondslag,
        ..StepRecord::default()
    };
    record.motivering = text(
        &mut errors,
        Field::Reasoning,
        &draft.motivering,
        MAX_REASONING_CHARS,
    );
    record.doorverwezen_naar = text(
        &mut errors,
        Field::ReferredTo,
        &draft.doorverwezen_naar,
        200,
    );
    record.afdeling = text(&mut errors, Field::Department, &draft.afdeling, 200);
    record.verenigbaarheid = text(
        &mut errors,
        Field::Compatibility,
        &draft.verenigbaarheid,
        MAX_REASONING_CHARS,
    );
    record.noodzaak = text(
        &mut errors,
        Field::Necessity,
        &draft.noodzaak,
        MAX_REASONING_CHARS,
    );
    record.besluit = text(
        &mut errors,
        Field::Decision,
        &draft.besluit,
        MAX_REASONING_CHARS,
    );
    record.uitkomst = text(
        &mut errors,
        Field::Outcome,
        &draft.uitkomst,
        MAX_REASONING_CHARS,
    );
    record.bronnen = draft
        .bronnen
        .iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    record.bronnen.dedup();
    record.deelnemers = draft
        .deelnemers
        .iter()
        .map(|d| text(&mut errors, Field::Participants, d, 200))
        .filter(|d| !d.is_empty())
        .collect();
    for share in &draft.delen {
        let met = text(&mut errors, Field::Shares, &share.met, 200);
        let wat = text(&mut errors, Field::Shares, &share.wat, 1000);
        if met.is_empty() || wat.is_empty() {
            errors.push(FieldError::new(
                Field::Shares.code(),
                "each share names with whom and what may be shared",
            ));
        } else {
            record.delen.push(Share { met, wat });
        }
    }
    let date_format = time::macros::format_description!("[year]-[month]-[day]");
    for task in &draft.acties {
        let wat = text(&mut errors, Field::Tasks, &task.wat, 1000);
        let eigenaar = text(&mut errors, Field::Tasks, &task.eigenaar, 200);
        let deadline = time::Date::parse(task.deadline.trim(), &date_format);
        match deadline {
            Ok(d) if !wat.is_empty() && !eigenaar.is_empty() && d >= today => {
                record.acties.push(Task {
                    wat,
                    eigenaar,
                    deadline: task.deadline.trim().to_owned(),
                });
            }
            _ => errors.push(FieldError::new(
                Field::Tasks.code(),
                "each action needs what, an owner and a deadline (YYYY-MM-DD, not in the past)",
            )),
        }
    }
    if errors.is_empty() {
        Ok(record)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{PermissionSet, Role};
    use crate::signal::State;
    use crate::signal::protocol::transition;

    const TODAY: time::Date = time::macros::date!(2026 - 11 - 28);

    fn protocol() -> Protocol {
        toml::from_str(include_str!("../../../../data/signals/protocol.toml")).expect("parses")
    }

    fn row(state: State, action: Action, role: Role) -> &'static Transition {
        transition(state, action, PermissionSet::from_roles(&[role])).expect("allowed")
    }

    #[test]
    fn the_shipped_protocol_passes_its_own_check() {
        assert_eq!(protocol().check(), vec![]);
    }

    #[test]
    fn a_transition_without_its_reasoning_names_the_missing_field() {
        let p = protocol();
        let draft = StepDraft {
            actie: "weging-1-ja".into(),
            verankering: vec![p.verankering[0].id.clone()],
            ..Default::default()
        };
        let errors = check_step(
            row(State::Intake, Action::Weighing1Met, Role::Coordinator),
            &draft,
            &p,
            TODAY,
        )
        .unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "motivering");
        assert_eq!(errors[0].reason, "required for weging-1-ja");
    }

    #[test]
    fn criteria_and_legal_bases_come_from_the_municipalitys_own_lists() {
        let p = protocol();
        let draft = StepDraft {
            actie: "weging-1-ja".into(),
            motivering: "Twee signalen van dezelfde locatie".into(),
            verankering: vec!["verzonnen-indicator".into()],
            grondslag: "artikel-999".into(),
            ..Default::default()
        };
        let errors = check_step(
            row(State::Intake, Action::Weighing1Met, Role::Coordinator),
            &draft,
            &p,
            TODAY,
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["grondslag", "verankering"]);
        let ok = StepDraft {
            verankering: vec![p.verankering[1].id.clone(), p.verankering[1].id.clone()],
            grondslag: p.grondslag[0].id.clone(),
            ..draft
        };
        let record = check_step(
            row(State::Intake, Action::Weighing1Met, Role::Coordinator),
            &ok,
            &p,
            TODAY,
        )
        .expect("valid");
        assert_eq!(record.verankering.len(), 1, "duplicates are folded");
    }

    #[test]
    fn case_meeting_actions_need_an_owner_and_a_future_deadline() {
        let p = protocol();
        let draft = StepDraft {
            actie: "besluit-aanpak".into(),
            besluit: "Bestuurlijke aanpak".into(),
            acties: vec![
                Task {
                    wat: "Controle".into(),
                    eigenaar: "Handhaving".into(),
                    deadline: "2027-01-15".into(),
                },
                Task {
                    wat: "Brief".into(),
                    eigenaar: "".into(),
                    deadline: "2027-01-15".into(),
                },
                Task {
                    wat: "Oud".into(),
                    eigenaar: "Team".into(),
                    deadline: "2020-01-01".into(),
                },
            ],
            ..Default::default()
        };
        let errors = check_step(
            row(State::CaseMeeting, Action::DecideApproach, Role::TeamMember),
            &draft,
            &p,
            TODAY,
        )
        .unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(errors.iter().all(|e| e.field == "acties"));
    }
}
