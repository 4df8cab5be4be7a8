//! The step plan of the CCV *modelprotocol* as an explicit state machine.
//!
//! [`TRANSITIONS`] is the one table of what may happen: from which state, by which named
//! business action, to which state, under which permission, with which required fields. The
//! store asks [`transition`] before it appends a step; nothing else moves a signal.

use serde::{Deserialize, Serialize};

use crate::auth::{Permission, PermissionSet};

use super::marking::coded_enum;

coded_enum!(
    /// Where a signal is in the step plan. The last six are closing outcomes.
    State {
        /// Step 1: received, waiting for weighing 1 (is it ondermijning?).
        Intake => "intake",
        /// Weighing 2A: a task or power of the municipality?
        Weighing2A => "weging-2a",
        /// Weighing 2B: the municipality's own territory?
        Weighing2B => "weging-2b",
        /// Step 2: severity, weighing 3 by the ondermijningsteam.
        Weighing3 => "weging-3",
        /// Step 3 begins: privacy check 1 decides which sources may be asked.
        PrivacyCheck1 => "privacytoets-1",
        /// Step 3: hit/no-hit on the approved sources, then weighing 4.
        SourceResearch => "bronnenonderzoek",
        /// Step 4 begins: privacy check 2A, what may be shared with whom to decide.
        PrivacyCheck2A => "privacytoets-2a",
        /// Step 4: the case meeting decides the approach.
        CaseMeeting => "casusoverleg",
        /// Privacy check 2B: the extra sharing the chosen intervention needs.
        PrivacyCheck2B => "privacytoets-2b",
        /// The intervention is carried out.
        Execution => "uitvoering",
        /// Closed: not handled (kept encrypted, destroyed after the retention term).
        NotHandled => "niet-opgepakt",
        /// Closed: not a municipal matter or not its territory; referred if needed.
        Referred => "doorverwezen",
        /// Closed: handed to a municipal department that takes the lead.
        ToDepartment => "naar-vakafdeling",
        /// Closed: handed to the RIEC.
        ToRiec => "naar-riec",
        /// Closed: departments act under their own powers after source research.
        OwnApproach => "eigen-aanpak",
        /// Closed: the case meeting's intervention was carried out.
        Completed => "afgerond",
    }
);

impl State {
    /// Closed states start the retention term and allow no further step.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            Self::NotHandled
                | Self::Referred
                | Self::ToDepartment
                | Self::ToRiec
                | Self::OwnApproach
                | Self::Completed
        )
    }

    /// The step of the plan (1–4) this state belongs to; 0 for closed states.
    pub fn step(self) -> u8 {
        match self {
            Self::Intake | Self::Weighing2A | Self::Weighing2B => 1,
            Self::Weighing3 => 2,
            Self::PrivacyCheck1 | Self::SourceResearch => 3,
            Self::PrivacyCheck2A | Self::CaseMeeting | Self::PrivacyCheck2B | Self::Execution => 4,
            _ => 0,
        }
    }
}

coded_enum!(
    /// A named business action that moves a signal.
    Action {
        Weighing1Met => "weging-1-ja",
        Weighing1NotMet => "weging-1-nee",
        Weighing2AMet => "weging-2a-ja",
        Weighing2ANotMet => "weging-2a-nee",
        Weighing2BMet => "weging-2b-ja",
        Weighing2BNotMet => "weging-2b-nee",
        Weighing3NotHandled => "weging-3-niet-opgepakt",
        Weighing3Department => "weging-3-vakafdeling",
        Weighing3Riec => "weging-3-riec",
        Weighing3SourceResearch => "weging-3-bronnenonderzoek",
        PrivacyCheck1Approve => "privacytoets-1-akkoord",
        PrivacyCheck1Refuse => "privacytoets-1-afgewezen",
        Weighing4OwnApproach => "weging-4-eigen-aanpak",
        Weighing4CaseMeeting => "weging-4-casusoverleg",
        Weighing4Riec => "weging-4-riec",
        Weighing4NotConfirmed => "weging-4-niet-bevestigd",
        PrivacyCheck2A => "privacytoets-2a",
        DecideApproach => "besluit-aanpak",
        PrivacyCheck2B => "privacytoets-2b",
        RecordOutcome => "uitkomst",
        HandOverToRiec => "overdracht-riec",
    }
);

coded_enum!(
    /// A field a step can require. The code is the field's name in forms and the API.
    Field {
        /// Why: the reasoning behind the decision.
        Reasoning => "motivering",
        /// The legal basis, from the protocol's maintained list.
        LegalBasis => "grondslag",
        /// Weighing 1: the indicators of local anchoring that are present (at least one).
        Anchoring => "verankering",
        /// Weighing 3: the severity factors that are met (at least one).
        Severity => "ernst",
        /// To whom a matter outside the municipality's task or territory is referred.
        ReferredTo => "doorverwezen-naar",
        /// The department that takes the lead.
        Department => "afdeling",
        /// Privacy check 1: the connected sources that may be asked.
        Sources => "bronnen",
        /// Privacy check 1: why further use is compatible with the original purpose.
        Compatibility => "verenigbaarheid",
        /// Privacy check 1: necessity, proportionality and subsidiarity.
        Necessity => "noodzaak",
        /// The case meeting's participants (departments or functions).
        Participants => "deelnemers",
        /// Privacy checks 2A and 2B: what may be shared with whom.
        Shares => "delen",
        /// The case meeting's decision on the approach.
        Decision => "besluit",
        /// The actions that follow, each with an owner and a deadline.
        Tasks => "acties",
        /// What the intervention achieved.
        Outcome => "uitkomst",
    }
);

/// One row of the step plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: State,
    pub action: Action,
    pub to: State,
    pub permission: Permission,
    pub required: &'static [Field],
}

const fn t(
    from: State,
    action: Action,
    to: State,
    permission: Permission,
    required: &'static [Field],
) -> Transition {
    Transition {
        from,
        action,
        to,
        permission,
        required,
    }
}

use Field as F;
use Permission as P;
use State as S;

/// The step plan: every allowed move, and nothing else.
pub const TRANSITIONS: &[Transition] = &[
    // Step 1: intake by the regisseur.
    t(
        S::Intake,
        Action::Weighing1Met,
        S::Weighing2A,
        P::DecideIntake,
        &[F::Anchoring, F::Reasoning],
    ),
    t(
        S::Intake,
        Action::Weighing1NotMet,
        S::NotHandled,
        P::DecideIntake,
        &[F::Reasoning],
    ),
    t(
        S::Weighing2A,
        Action::Weighing2AMet,
        S::Weighing2B,
        P::DecideIntake,
        &[F::Reasoning, F::LegalBasis],
    ),
    t(
        S::Weighing2A,
        Action::Weighing2ANotMet,
        S::Referred,
        P::DecideIntake,
        &[F::Reasoning, F::ReferredTo],
    ),
    t(
        S::Weighing2B,
        Action::Weighing2BMet,
        S::Weighing3,
        P::DecideIntake,
        &[F::Reasoning],
    ),
    t(
        S::Weighing2B,
        Action::Weighing2BNotMet,
        S::Referred,
        P::DecideIntake,
        &[F::Reasoning, F::ReferredTo],
    ),
    // Step 2: severity, by the ondermijningsteam.
    t(
        S::Weighing3,
        Action::Weighing3NotHandled,
        S::NotHandled,
        P::DecideWeighing3,
        &[F::Reasoning],
    ),
    t(
        S::Weighing3,
        Action::Weighing3Department,
        S::ToDepartment,
        P::DecideWeighing3,
        &[F::Reasoning, F::Department, F::LegalBasis],
    ),
    t(
        S::Weighing3,
        Action::Weighing3Riec,
        S::ToRiec,
        P::DecideWeighing3,
        &[F::Reasoning, F::LegalBasis],
    ),
    t(
        S::Weighing3,
        Action::Weighing3SourceResearch,
        S::PrivacyCheck1,
        P::DecideWeighing3,
        &[F::Severity, F::Reasoning],
    ),
    // Step 3: source research, opened by privacy check 1.
    t(
        S::PrivacyCheck1,
        Action::PrivacyCheck1Approve,
        S::SourceResearch,
        P::ApprovePrivacyCheck,
        &[F::Sources, F::LegalBasis, F::Compatibility, F::Necessity],
    ),
    t(
        S::PrivacyCheck1,
        Action::PrivacyCheck1Refuse,
        S::NotHandled,
        P::ApprovePrivacyCheck,
        &[F::Reasoning],
    ),
    t(
        S::SourceResearch,
        Action::Weighing4OwnApproach,
        S::OwnApproach,
        P::DecideWeighing4,
        &[F::Reasoning, F::Department],
    ),
    t(
        S::SourceResearch,
        Action::Weighing4CaseMeeting,
        S::PrivacyCheck2A,
        P::DecideWeighing4,
        &[F::Reasoning],
    ),
    t(
        S::SourceResearch,
        Action::Weighing4Riec,
        S::ToRiec,
        P::DecideWeighing4,
        &[F::Reasoning, F::LegalBasis],
    ),
    t(
        S::SourceResearch,
        Action::Weighing4NotConfirmed,
        S::NotHandled,
        P::DecideWeighing4,
        &[F::Reasoning],
    ),
    // Step 4: the approach, with privacy checks 2A and 2B.
    t(
        S::PrivacyCheck2A,
        Action::PrivacyCheck2A,
        S::CaseMeeting,
        P::ApprovePrivacyCheck,
        &[F::Participants, F::Shares, F::LegalBasis],
    ),
    t(
        S::CaseMeeting,
        Action::DecideApproach,
        S::PrivacyCheck2B,
        P::LeadCaseMeeting,
        &[F::Decision, F::Tasks],
    ),
    t(
        S::CaseMeeting,
        Action::HandOverToRiec,
        S::ToRiec,
        P::LeadCaseMeeting,
        &[F::Reasoning, F::LegalBasis],
    ),
    t(
        S::PrivacyCheck2B,
        Action::PrivacyCheck2B,
        S::Execution,
        P::ApprovePrivacyCheck,
        &[F::Shares, F::LegalBasis],
    ),
    t(
        S::Execution,
        Action::RecordOutcome,
        S::Completed,
        P::LeadCaseMeeting,
        &[F::Outcome],
    ),
    t(
        S::Execution,
        Action::HandOverToRiec,
        S::ToRiec,
        P::LeadCaseMeeting,
        &[F::Reasoning, F::LegalBasis],
    ),
];

/// Why a step may not be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepRefusal {
    /// The action does not exist in this state (the table has no such row).
    NotFromHere { state: State, action: Action },
    /// The actor's roles do not grant the permission the row asks for.
    Forbidden(Permission),
}

/// The row for `action` in `state`, if the actor may take it.
pub fn transition(
    state: State,
    action: Action,
    permissions: PermissionSet,
) -> Result<&'static Transition, StepRefusal> {
    let row = TRANSITIONS
        .iter()
        .find(|t| t.from == state && t.action == action)
        .ok_or(StepRefusal::NotFromHere { state, action })?;
    if permissions.contains(row.permission) {
        Ok(row)
    } else {
        Err(StepRefusal::Forbidden(row.permission))
    }
}

/// The actions that can be taken from `state` by someone with `permissions`.
pub fn available(state: State, permissions: PermissionSet) -> Vec<&'static Transition> {
    TRANSITIONS
        .iter()
        .filter(|t| t.from == state && permissions.contains(t.permission))
        .collect()
}

/// One action that follows a case meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// What is to be done.
    pub wat: String,
    /// Who owns it (a department or function; not a private person's name).
    pub eigenaar: String,
    /// The deadline, `YYYY-MM-DD`.
    pub deadline: String,
}

/// What may be shared with whom (privacy checks 2A and 2B).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    /// The participant that receives it.
    pub met: String,
    /// What may be shared (data categories, not the data).
    pub wat: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;

    /// The step plan as the CCV describes it, written out again independently of
    /// [`TRANSITIONS`]: (state, action, next state, roles that may take it).
    const EXPECTED: &[(&str, &str, &str, &[&str])] = &[
        ("intake", "weging-1-ja", "weging-2a", &["regisseur"]),
        ("intake", "weging-1-nee", "niet-opgepakt", &["regisseur"]),
        ("weging-2a", "weging-2a-ja", "weging-2b", &["regisseur"]),
        ("weging-2a", "weging-2a-nee", "doorverwezen", &["regisseur"]),
        ("weging-2b", "weging-2b-ja", "weging-3", &["regisseur"]),
        ("weging-2b", "weging-2b-nee", "doorverwezen", &["regisseur"]),
        (
            "weging-3",
            "weging-3-niet-opgepakt",
            "niet-opgepakt",
            &["team"],
        ),
        (
            "weging-3",
            "weging-3-vakafdeling",
            "naar-vakafdeling",
            &["team"],
        ),
        ("weging-3", "weging-3-riec", "naar-riec", &["team"]),
        (
            "weging-3",
            "weging-3-bronnenonderzoek",
            "privacytoets-1",
            &["team"],
        ),
        (
            "privacytoets-1",
            "privacytoets-1-akkoord",
            "bronnenonderzoek",
            &["privacy"],
        ),
        (
            "privacytoets-1",
            "privacytoets-1-afgewezen",
            "niet-opgepakt",
            &["privacy"],
        ),
        (
            "bronnenonderzoek",
            "weging-4-eigen-aanpak",
            "eigen-aanpak",
            &["team"],
        ),
        (
            "bronnenonderzoek",
            "weging-4-casusoverleg",
            "privacytoets-2a",
            &["team"],
        ),
        ("bronnenonderzoek", "weging-4-riec", "naar-riec", &["team"]),
        (
            "bronnenonderzoek",
            "weging-4-niet-bevestigd",
            "niet-opgepakt",
            &["team"],
        ),
        (
            "privacytoets-2a",
            "privacytoets-2a",
            "casusoverleg",
            &["privacy"],
        ),
        (
            "casusoverleg",
            "besluit-aanpak",
            "privacytoets-2b",
            &["team"],
        ),
        ("casusoverleg", "overdracht-riec", "naar-riec", &["team"]),
        (
            "privacytoets-2b",
            "privacytoets-2b",
            "uitvoering",
            &["privacy"],
        ),
        ("uitvoering", "uitkomst", "afgerond", &["team"]),
        ("uitvoering", "overdracht-riec", "naar-riec", &["team"]),
    ];

    #[test]
    fn every_state_action_and_role_is_allowed_exactly_where_the_plan_says() {
        let mut checked = 0;
        for &state in State::ALL {
            for &action in Action::ALL {
                for role in Role::ALL {
                    let perms = PermissionSet::from_roles(&[role]);
                    let expected = EXPECTED
                        .iter()
                        .find(|(s, a, _, _)| *s == state.code() && *a == action.code());
                    let got = transition(state, action, perms);
                    match (expected, got) {
                        (Some((_, _, to, roles)), Ok(row)) => {
                            assert!(roles.contains(&role.code()), "{state} {action} {role}");
                            assert_eq!(row.to.code(), *to);
                        }
                        (Some((_, _, _, roles)), Err(StepRefusal::Forbidden(_))) => {
                            assert!(!roles.contains(&role.code()), "{state} {action} {role}");
                        }
                        (None, Err(StepRefusal::NotFromHere { .. })) => {}
                        (e, g) => panic!("{state} {action} {role}: expected {e:?}, got {g:?}"),
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(
            checked,
            State::ALL.len() * Action::ALL.len() * Role::ALL.len()
        );
        assert_eq!(TRANSITIONS.len(), EXPECTED.len());
    }

    #[test]
    fn closed_states_have_no_way_out_and_open_states_have_one() {
        for &state in State::ALL {
            let out = TRANSITIONS.iter().filter(|t| t.from == state).count();
            assert_eq!(out == 0, state.is_closed(), "{state}");
        }
    }

    #[test]
    fn every_decision_records_why() {
        for t in TRANSITIONS {
            let explained = t.required.iter().any(|f| {
                matches!(
                    f,
                    Field::Reasoning
                        | Field::Necessity
                        | Field::Decision
                        | Field::Outcome
                        | Field::Shares
                )
            });
            assert!(explained, "{} has no field that says why", t.action);
        }
    }

    #[test]
    fn every_state_is_reachable_from_intake() {
        let mut seen = vec![State::Intake];
        let mut i = 0;
        while i < seen.len() {
            let from = seen[i];
            for t in TRANSITIONS.iter().filter(|t| t.from == from) {
                if !seen.contains(&t.to) {
                    seen.push(t.to);
                }
            }
            i += 1;
        }
        assert_eq!(seen.len(), State::ALL.len());
    }
}
