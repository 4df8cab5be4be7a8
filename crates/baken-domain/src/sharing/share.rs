//! Sharing one item in a shared case: its distribution and handling marking, and the checks every
//! share passes before it can be approved: the covenant is active, covers the purpose and the
//! data category, the sender is a party with a legal basis, the marking fits the distribution,
//! and the sender has said why this is no more than needed (minimisation).

use serde::{Deserialize, Serialize};

use super::covenant::{CovenantStatus, DataCategory, Purpose};
use crate::signal::FieldError;
use crate::signal::marking::{Tlp, coded_enum};

/// The longest content of one shared item.
pub const MAX_CONTENT_CHARS: usize = 8000;

coded_enum!(
    /// Who may see a shared item.
    Distribution {
        /// Only the sharing organisation (kept with the case, not shared).
        Organisation => "organisatie",
        /// The organisations taking part in the case.
        Participants => "deelnemers",
        /// Every party to the covenant.
        Covenant => "convenant",
    }
);

/// One item as a form or the API submits it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareDraft {
    /// A short title without personal data ("Eigendom pand", "Bevindingen toezicht").
    pub titel: String,
    /// What is shared.
    pub inhoud: String,
    pub doel: String,
    pub categorie: String,
    pub verspreiding: String,
    pub tlp: String,
    /// Why this is needed for the purpose and no more than that.
    pub minimalisatie: String,
}

/// A validated item, ready for the covenant checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewShare {
    pub title: String,
    pub content: String,
    pub purpose: Purpose,
    pub category: DataCategory,
    pub distribution: Distribution,
    pub tlp: Tlp,
    pub minimisation: String,
}

impl ShareDraft {
    pub fn validate(&self) -> Result<NewShare, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = self.titel.trim();
        if !(3..=120).contains(&title.chars().count()) {
            errors.push(FieldError::new("titel", "3 tot 120 tekens"));
        }
        let content = self.inhoud.trim();
        if content.is_empty() {
            errors.push(FieldError::new("inhoud", "verplicht"));
        } else if content.chars().count() > MAX_CONTENT_CHARS {
            errors.push(FieldError::new(
                "inhoud",
                format!("te lang: ten hoogste {MAX_CONTENT_CHARS} tekens"),
            ));
        }
        let minimisation = self.minimalisatie.trim();
        if minimisation.chars().count() < 10 {
            errors.push(FieldError::new(
                "minimalisatie",
                "leg uit waarom dit nodig is en niet meer dan dat",
            ));
        }
        let purpose = Purpose::from_code(&self.doel);
        let category = DataCategory::from_code(&self.categorie);
        let distribution = Distribution::from_code(&self.verspreiding);
        let tlp = Tlp::from_code(&self.tlp);
        for (field, ok) in [
            ("doel", purpose.is_some()),
            ("categorie", category.is_some()),
            ("verspreiding", distribution.is_some()),
            ("tlp", tlp.is_some()),
        ] {
            if !ok {
                errors.push(FieldError::new(field, "onbekende code"));
            }
        }
        match (purpose, category, distribution, tlp) {
            (Some(purpose), Some(category), Some(distribution), Some(tlp)) if errors.is_empty() => {
                Ok(NewShare {
                    title: title.to_owned(),
                    content: content.to_owned(),
                    purpose,
                    category,
                    distribution,
                    tlp,
                    minimisation: minimisation.to_owned(),
                })
            }
            _ => Err(errors),
        }
    }
}

/// What the checks need to know of the covenant and the sender's place in it.
#[derive(Debug, Clone, Copy)]
pub struct CovenantTerms<'a> {
    pub status: CovenantStatus,
    pub purposes: &'a [Purpose],
    pub categories: &'a [DataCategory],
    /// The sender's legal basis; `None` when the sender is not a party.
    pub sender_legal_basis: Option<&'a str>,
}

/// Why a share is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShareRefusal {
    #[error("the covenant is not active (status {0})")]
    CovenantNotActive(CovenantStatus),
    #[error("the covenant does not cover the purpose {0}")]
    PurposeNotCovered(Purpose),
    #[error("the covenant does not cover the data category {0}")]
    CategoryNotCovered(DataCategory),
    #[error("the sharing organisation is not a party to the covenant")]
    NotAParty,
    #[error("TLP {tlp} does not allow distribution {distribution}")]
    MarkingTooStrict {
        tlp: Tlp,
        distribution: Distribution,
    },
}

impl ShareRefusal {
    /// A stable code for the API and the message catalogue.
    pub fn code(&self) -> &'static str {
        match self {
            Self::CovenantNotActive(_) => "convenant-niet-actief",
            Self::PurposeNotCovered(_) => "doel-niet-in-convenant",
            Self::CategoryNotCovered(_) => "categorie-niet-in-convenant",
            Self::NotAParty => "geen-partij",
            Self::MarkingTooStrict { .. } => "tlp-past-niet",
        }
    }
}

/// The recorded outcome of the checks, kept with the item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareChecks {
    /// The covenant's status when the checks ran.
    pub convenant: String,
    pub doel: String,
    pub categorie: String,
    /// The sender's legal basis as the covenant records it.
    pub grondslag: String,
    pub minimalisatie: String,
}

/// Runs the checks of one share against the covenant.
pub fn check_share(
    terms: &CovenantTerms<'_>,
    share: &NewShare,
) -> Result<ShareChecks, ShareRefusal> {
    if terms.status != CovenantStatus::Active {
        return Err(ShareRefusal::CovenantNotActive(terms.status));
    }
    let legal_basis = terms.sender_legal_basis.ok_or(ShareRefusal::NotAParty)?;
    if !terms.purposes.contains(&share.purpose) {
        return Err(ShareRefusal::PurposeNotCovered(share.purpose));
    }
    if !terms.categories.contains(&share.category) {
        return Err(ShareRefusal::CategoryNotCovered(share.category));
    }
    let fits = match share.tlp {
        Tlp::AmberStrict => share.distribution == Distribution::Organisation,
        Tlp::Red => share.distribution != Distribution::Covenant,
        Tlp::Clear | Tlp::Green | Tlp::Amber => true,
    };
    if !fits {
        return Err(ShareRefusal::MarkingTooStrict {
            tlp: share.tlp,
            distribution: share.distribution,
        });
    }
    Ok(ShareChecks {
        convenant: terms.status.code().to_owned(),
        doel: share.purpose.code().to_owned(),
        categorie: share.category.code().to_owned(),
        grondslag: legal_basis.to_owned(),
        minimalisatie: share.minimisation.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share() -> NewShare {
        ShareDraft {
            titel: "Eigendom pand".into(),
            inhoud: "Het pand is sinds 2025 eigendom van een bv.".into(),
            doel: "integrale-casus".into(),
            categorie: "adres".into(),
            verspreiding: "deelnemers".into(),
            tlp: "amber".into(),
            minimalisatie: "Alleen het eigendom, nodig voor de casusanalyse.".into(),
        }
        .validate()
        .unwrap()
    }

    const PURPOSES: &[Purpose] = &[Purpose::IntegratedCase];
    const CATEGORIES: &[DataCategory] = &[DataCategory::Address];

    fn terms(status: CovenantStatus, basis: Option<&str>) -> CovenantTerms<'_> {
        CovenantTerms {
            status,
            purposes: PURPOSES,
            categories: CATEGORIES,
            sender_legal_basis: basis,
        }
    }

    #[test]
    fn a_share_inside_the_covenant_passes_and_records_the_legal_basis() {
        let checks = check_share(
            &terms(CovenantStatus::Active, Some("art. 6 lid 1 sub e")),
            &share(),
        )
        .unwrap();
        assert_eq!(checks.grondslag, "art. 6 lid 1 sub e");
        assert_eq!(checks.doel, "integrale-casus");
    }

    #[test]
    fn a_share_outside_the_covenant_is_refused_with_the_reason() {
        let basis = Some("grondslag");
        assert_eq!(
            check_share(&terms(CovenantStatus::Expired, basis), &share()),
            Err(ShareRefusal::CovenantNotActive(CovenantStatus::Expired))
        );
        assert_eq!(
            check_share(&terms(CovenantStatus::Active, None), &share()),
            Err(ShareRefusal::NotAParty)
        );
        let mut s = share();
        s.purpose = Purpose::Bibob;
        assert_eq!(
            check_share(&terms(CovenantStatus::Active, basis), &s),
            Err(ShareRefusal::PurposeNotCovered(Purpose::Bibob))
        );
        let mut s = share();
        s.category = DataCategory::Criminal;
        assert_eq!(
            check_share(&terms(CovenantStatus::Active, basis), &s),
            Err(ShareRefusal::CategoryNotCovered(DataCategory::Criminal))
        );
    }

    #[test]
    fn the_marking_must_fit_the_distribution() {
        let t = terms(CovenantStatus::Active, Some("grondslag"));
        let mut s = share();
        s.tlp = Tlp::AmberStrict;
        assert!(matches!(
            check_share(&t, &s),
            Err(ShareRefusal::MarkingTooStrict { .. })
        ));
        s.distribution = Distribution::Organisation;
        assert!(check_share(&t, &s).is_ok());
        s.tlp = Tlp::Red;
        s.distribution = Distribution::Covenant;
        assert!(matches!(
            check_share(&t, &s),
            Err(ShareRefusal::MarkingTooStrict { .. })
        ));
    }

    #[test]
    fn a_draft_names_its_broken_fields() {
        let fields: Vec<String> = ShareDraft::default()
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        for f in [
            "titel",
            "inhoud",
            "minimalisatie",
            "doel",
            "categorie",
            "verspreiding",
            "tlp",
        ] {
            assert!(fields.iter().any(|x| x == f), "{f}");
        }
    }
}
