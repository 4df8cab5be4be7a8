//! Roles, business permissions and the password rules.
//!
//! Permissions are business actions ("register a signal", "view the audit log"), never table
//! rights. [`Role::permissions`] is the one table that maps roles to them; everything that
//! decides access asks a [`PermissionSet`] built from it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::codes::Email;

/// The roles a user can hold in an organisation (several at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Beheerder: manages users, roles, sources and settings of the organisation.
    Admin,
    /// Regisseur ondermijning: takes in signals and does the first weighings.
    Coordinator,
    /// Analist: dashboards, matrices, inventory, source research, reports.
    Analyst,
    /// Lid ondermijningsteam: decides in step 2 and leads the case meeting.
    TeamMember,
    /// Privacyfunctionaris / FG: privacy checks, sharing approvals, the audit log.
    PrivacyOfficer,
    /// Medewerker vakafdeling: answers hit/no-hit and detail requests for its own register.
    SourceOwner,
    /// Partner (RIEC, police, tax office, foreign authority): shared cases under a covenant.
    Partner,
    /// Lezer: reads dashboards and public material.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Self::Admin,
        Self::Coordinator,
        Self::Analyst,
        Self::TeamMember,
        Self::PrivacyOfficer,
        Self::SourceOwner,
        Self::Partner,
        Self::Viewer,
    ];

    /// The stable Dutch code used in the database, the API, the CLI and demo e-mail addresses.
    pub fn code(self) -> &'static str {
        match self {
            Self::Admin => "beheerder",
            Self::Coordinator => "regisseur",
            Self::Analyst => "analist",
            Self::TeamMember => "team",
            Self::PrivacyOfficer => "privacy",
            Self::SourceOwner => "bronhouder",
            Self::Partner => "partner",
            Self::Viewer => "lezer",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        let code = code.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The one table from roles to business permissions.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Self::Admin => &[
                ManageUsers,
                ManageOrganisation,
                ViewAudit,
                ViewDashboards,
                ViewMatrices,
                EditInventory,
                ViewSharing,
                UseCrossBorder,
                TakeReadiness,
                ConnectSources,
                ManageProtocol,
                ViewRetention,
            ],
            Self::Coordinator => &[
                RegisterSignal,
                ViewSignals,
                DecideIntake,
                AskSources,
                OpenSourceDetails,
                ViewPersons,
                RequestAbroad,
                ViewDashboards,
                ViewMatrices,
                ViewSharing,
                WorkSharedCases,
                UseCrossBorder,
                TakeReadiness,
            ],
            Self::Analyst => &[
                ViewDashboards,
                ExportDashboard,
                DefineIndicators,
                ImportData,
                ViewMatrices,
                EditInventory,
                ViewSignals,
                AskSources,
                OpenSourceDetails,
                UseCrossBorder,
                RequestAbroad,
                TakeReadiness,
                ViewSharing,
                WorkSharedCases,
            ],
            Self::TeamMember => &[
                ViewSignals,
                DecideWeighing3,
                DecideWeighing4,
                LeadCaseMeeting,
                ViewPersons,
                ViewDashboards,
                ViewMatrices,
                ViewSharing,
                WorkSharedCases,
                TakeReadiness,
            ],
            Self::PrivacyOfficer => &[
                ViewAudit,
                ApprovePrivacyCheck,
                ApproveSharing,
                ManageCovenants,
                ViewSignals,
                ViewPersons,
                ViewRetention,
                HandleSubjectRights,
                ViewSharing,
                ViewDashboards,
                ViewMatrices,
                TakeReadiness,
            ],
            Self::SourceOwner => &[
                AnswerHitNoHit,
                OpenSourceDetails,
                ConnectSources,
                ViewDashboards,
                TakeReadiness,
            ],
            Self::Partner => &[
                WorkSharedCases,
                ViewSharing,
                ViewDashboards,
                UseCrossBorder,
                RequestAbroad,
            ],
            Self::Viewer => &[ViewDashboards, ViewMatrices, UseCrossBorder],
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A business action a user may be allowed to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Permission {
    ManageUsers,
    ManageOrganisation,
    ViewAudit,
    ViewDashboards,
    ExportDashboard,
    ImportData,
    ViewMatrices,
    EditInventory,
    RegisterSignal,
    ViewSignals,
    DecideIntake,
    DecideWeighing3,
    DecideWeighing4,
    ApprovePrivacyCheck,
    AnswerHitNoHit,
    OpenSourceDetails,
    LeadCaseMeeting,
    ViewSharing,
    ApproveSharing,
    ManageCovenants,
    WorkSharedCases,
    UseCrossBorder,
    TakeReadiness,
    /// Define the organisation's own dashboard indicators on its imported data.
    DefineIndicators,
    /// Ask the approved sources hit/no-hit and request a hit's details (source research).
    AskSources,
    /// See a person's name and date of birth in clear (every view is audited).
    ViewPersons,
    /// Connect a municipal register's extract as a source that answers hit/no-hit.
    ConnectSources,
    /// Adapt, publish and adopt the organisation's step plan (checklist, terms, legal bases).
    ManageProtocol,
    /// See what is due for destruction and the tombstones of what was destroyed.
    ViewRetention,
    /// Handle data-subject requests: access (inzage), correction and erasure.
    HandleSubjectRights,
    /// Register cross-border cases and produce request letters to bodies abroad.
    RequestAbroad,
}

impl Permission {
    pub const ALL: [Permission; 31] = [
        Self::ManageUsers,
        Self::ManageOrganisation,
        Self::ViewAudit,
        Self::ViewDashboards,
        Self::ExportDashboard,
        Self::ImportData,
        Self::ViewMatrices,
        Self::EditInventory,
        Self::RegisterSignal,
        Self::ViewSignals,
        Self::DecideIntake,
        Self::DecideWeighing3,
        Self::DecideWeighing4,
        Self::ApprovePrivacyCheck,
        Self::AnswerHitNoHit,
        Self::OpenSourceDetails,
        Self::LeadCaseMeeting,
        Self::ViewSharing,
        Self::ApproveSharing,
        Self::ManageCovenants,
        Self::WorkSharedCases,
        Self::UseCrossBorder,
        Self::TakeReadiness,
        Self::DefineIndicators,
        Self::AskSources,
        Self::ViewPersons,
        Self::ConnectSources,
        Self::ManageProtocol,
        Self::ViewRetention,
        Self::HandleSubjectRights,
        Self::RequestAbroad,
    ];

    fn bit(self) -> u64 {
        1 << (self as u64)
    }

    /// A stable kebab-case name, used in audit records and the API.
    pub fn code(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }
}

/// The permissions of a user: the union over its roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PermissionSet(u64);

impl PermissionSet {
    pub fn from_roles<'a>(roles: impl IntoIterator<Item = &'a Role>) -> Self {
        let bits = roles
            .into_iter()
            .flat_map(|r| r.permissions())
            .fold(0, |acc, p| acc | p.bit());
        Self(bits)
    }

    pub fn contains(self, permission: Permission) -> bool {
        self.0 & permission.bit() != 0
    }

    pub fn iter(self) -> impl Iterator<Item = Permission> {
        Permission::ALL
            .into_iter()
            .filter(move |p| self.contains(*p))
    }
}

/// One way a password breaks the rules. The web layer shows each one to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort { min: usize },
    TooLong { max: usize },
    ContainsEmailName,
    TooCommon,
    TooFewDistinctCharacters,
}

/// Password rules after NIST SP 800-63B and the Dutch BIO: length over complexity, no
/// composition rules, a refusal of the most common choices and of the user's own name.
pub struct PasswordPolicy;

impl PasswordPolicy {
    pub const MIN_LEN: usize = 12;
    pub const MAX_LEN: usize = 128;

    const COMMON: [&'static str; 12] = [
        "wachtwoord",
        "password",
        "welkom",
        "welcome",
        "qwerty",
        "azerty",
        "123456",
        "letmein",
        "admin",
        "geheim",
        "baken",
        "gemeente",
    ];

    /// Every rule the password breaks; empty when it is acceptable.
    pub fn check(password: &str, email: &Email) -> Vec<PasswordProblem> {
        let mut problems = Vec::new();
        let len = password.chars().count();
        if len < Self::MIN_LEN {
            problems.push(PasswordProblem::TooShort { min: Self::MIN_LEN });
        }
        if len > Self::MAX_LEN {
            problems.push(PasswordProblem::TooLong { max: Self::MAX_LEN });
        }
        let lower = password.to_lowercase();
        let local = email.local_part();
        if local.len() >= 3 && lower.contains(local) {
            problems.push(PasswordProblem::ContainsEmailName);
        }
        let stripped: String = lower.chars().filter(|c| c.is_alphabetic()).collect();
        let digits_only = lower.chars().all(|c| c.is_ascii_digit());
        if digits_only
            || Self::COMMON.iter().any(|c| {
                stripped == *c || lower.trim_end_matches(|c: char| !c.is_alphabetic()) == *c
            })
        {
            problems.push(PasswordProblem::TooCommon);
        }
        let mut distinct: Vec<char> = password.chars().collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() < 5 {
            problems.push(PasswordProblem::TooFewDistinctCharacters);
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> Email {
        Email::parse("analist@tilburg.demo").unwrap()
    }

    #[test]
    fn role_codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert_eq!(Role::from_code("god"), None);
    }

    #[test]
    fn every_permission_is_granted_by_some_role() {
        let all = PermissionSet::from_roles(Role::ALL.iter());
        for p in Permission::ALL {
            assert!(all.contains(p), "{p:?} is granted by no role");
        }
    }

    #[test]
    fn a_viewer_cannot_manage_users_or_read_the_audit_log() {
        let viewer = PermissionSet::from_roles([Role::Viewer].iter());
        assert!(viewer.contains(Permission::ViewDashboards));
        assert!(!viewer.contains(Permission::ManageUsers));
        assert!(!viewer.contains(Permission::ViewAudit));
        assert!(!viewer.contains(Permission::ViewSignals));
    }

    #[test]
    fn permissions_of_several_roles_are_the_union() {
        let set = PermissionSet::from_roles([Role::SourceOwner, Role::Viewer].iter());
        assert!(set.contains(Permission::AnswerHitNoHit));
        assert!(set.contains(Permission::ViewMatrices));
        assert!(!set.contains(Permission::ManageUsers));
    }

    #[test]
    fn permission_codes_are_kebab_case() {
        assert_eq!(Permission::DecideWeighing3.code(), "decide-weighing3");
        assert_eq!(Permission::ViewAudit.code(), "view-audit");
    }

    #[test]
    fn a_long_unusual_password_passes() {
        assert!(PasswordPolicy::check("fiets-regen-Tilburg-42", &email()).is_empty());
    }

    #[test]
    fn password_rules_name_each_problem() {
        assert!(
            PasswordPolicy::check("kort", &email())
                .contains(&PasswordProblem::TooShort { min: 12 })
        );
        assert!(
            PasswordPolicy::check("analist-is-mijn-naam", &email())
                .contains(&PasswordProblem::ContainsEmailName)
        );
        assert!(
            PasswordPolicy::check("Wachtwoord2026!", &email())
                .contains(&PasswordProblem::TooCommon)
        );
        assert!(
            PasswordPolicy::check("123456789012", &email()).contains(&PasswordProblem::TooCommon)
        );
        assert!(
            PasswordPolicy::check("aaaaaaaaaaaaaaaa", &email())
                .contains(&PasswordProblem::TooFewDistinctCharacters)
        );
        assert!(
            PasswordPolicy::check(&"x1y2z3".repeat(30), &email())
                .contains(&PasswordProblem::TooLong { max: 128 })
        );
    }
}
