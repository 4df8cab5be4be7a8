//! The register of cross-border cases: which countries, which phenomenon, who asked whom, the
//! legal obstacle met and the outcome, counted per country pair and per obstacle.

use serde::{Deserialize, Serialize};

use super::Country;
use crate::signal::marking::coded_enum;

coded_enum!(
    /// The legal obstacle a cross-border request ran into.
    Obstacle {
        None => "geen",
        NoLegalBasis => "geen-grondslag",
        PurposeLimitation => "doelbinding",
        NoCounterpart => "geen-tegenhanger",
        JudicialRouteOnly => "alleen-rechtshulp",
        Language => "taal",
        Confidentiality => "geheimhouding",
        Other => "anders",
    }
);

coded_enum!(
    /// How a cross-border request ended.
    CaseOutcome {
        Open => "lopend",
        Answered => "beantwoord",
        PartlyAnswered => "deels-beantwoord",
        Refused => "geweigerd",
        Withdrawn => "ingetrokken",
    }
);

/// The pair of countries of a case, in a fixed order (`BE–NL`, not `NL–BE`).
pub fn country_pair(a: Country, b: Country) -> String {
    let (x, y) = if a.code() <= b.code() { (a, b) } else { (b, a) };
    format!("{}–{}", x.code(), y.code())
}

/// A new case as submitted.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseDraft {
    pub land_verzoeker: String,
    pub land_aangezochte: String,
    #[serde(default)]
    pub fenomeen: String,
    pub verzoekende_instantie: String,
    pub aangezochte_instantie: String,
    #[serde(default = "default_obstacle")]
    pub obstakel: String,
    #[serde(default = "default_outcome")]
    pub uitkomst: String,
    #[serde(default)]
    pub toelichting: String,
    /// The signal (of the own organisation) this case belongs to, if any.
    #[serde(default)]
    pub signaal: Option<i64>,
}

fn default_obstacle() -> String {
    Obstacle::None.code().into()
}

fn default_outcome() -> String {
    CaseOutcome::Open.code().into()
}

/// A case that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    pub requesting_country: Country,
    pub requested_country: Country,
    pub phenomenon: String,
    pub requesting_authority: String,
    pub requested_authority: String,
    pub obstacle: Obstacle,
    pub outcome: CaseOutcome,
    pub note: String,
    pub signal: Option<i64>,
}

impl CaseDraft {
    pub fn validate(&self) -> Result<NewCase, Vec<crate::signal::FieldError>> {
        use crate::signal::FieldError;
        let mut errors = Vec::new();
        let a = Country::from_code(&self.land_verzoeker);
        let b = Country::from_code(&self.land_aangezochte);
        if a.is_none() {
            errors.push(FieldError::new("land_verzoeker", "NL, BE or DE"));
        }
        if b.is_none() {
            errors.push(FieldError::new("land_aangezochte", "NL, BE or DE"));
        }
        if a.is_some() && a == b {
            errors.push(FieldError::new(
                "land_aangezochte",
                "a cross-border case involves two countries",
            ));
        }
        let text =
            |errors: &mut Vec<FieldError>, field: &str, v: &str, max: usize, required: bool| {
                let v = v.trim();
                if (required && v.is_empty()) || v.chars().count() > max {
                    errors.push(FieldError::new(
                        field,
                        format!("required, at most {max} characters"),
                    ));
                }
                v.to_owned()
            };
        let requesting_authority = text(
            &mut errors,
            "verzoekende_instantie",
            &self.verzoekende_instantie,
            200,
            true,
        );
        let requested_authority = text(
            &mut errors,
            "aangezochte_instantie",
            &self.aangezochte_instantie,
            200,
            true,
        );
        let note = text(&mut errors, "toelichting", &self.toelichting, 2000, false);
        let phenomenon = text(&mut errors, "fenomeen", &self.fenomeen, 80, false);
        let obstacle = Obstacle::from_code(&self.obstakel);
        if obstacle.is_none() {
            errors.push(FieldError::new("obstakel", "unknown obstacle"));
        }
        let outcome = CaseOutcome::from_code(&self.uitkomst);
        if outcome.is_none() {
            errors.push(FieldError::new("uitkomst", "unknown outcome"));
        }
        match (a, b, obstacle, outcome) {
            (Some(a), Some(b), Some(obstacle), Some(outcome)) if errors.is_empty() => Ok(NewCase {
                requesting_country: a,
                requested_country: b,
                phenomenon,
                requesting_authority,
                requested_authority,
                obstacle,
                outcome,
                note,
                signal: self.signaal,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_ordered_and_a_case_needs_two_countries() {
        assert_eq!(
            country_pair(Country::Netherlands, Country::Belgium),
            "BE–NL"
        );
        assert_eq!(
            country_pair(Country::Belgium, Country::Netherlands),
            "BE–NL"
        );
        let draft = CaseDraft {
            land_verzoeker: "NL".into(),
            land_aangezochte: "nl".into(),
            fenomeen: String::new(),
            verzoekende_instantie: "Gemeente Breda".into(),
            aangezochte_instantie: String::new(),
            obstakel: "geen".into(),
            uitkomst: "lopend".into(),
            toelichting: String::new(),
            signaal: None,
        };
        let fields: Vec<String> = draft
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["land_aangezochte", "aangezochte_instantie"]);
    }
}
