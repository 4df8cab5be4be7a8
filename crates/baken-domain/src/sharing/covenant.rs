//! Covenants (convenanten): the agreement under which partners share information: its parties
//! with each one's legal basis and signatory, the purposes, the categories of data, the validity
//! and the joint-controller arrangement of AVG article 26.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::signal::FieldError;
use crate::signal::marking::coded_enum;

coded_enum!(
    /// What a covenant lets its parties share information for.
    Purpose {
        /// The administrative approach of organised crime (bestuurlijke aanpak).
        AdministrativeApproach => "bestuurlijke-aanpak",
        /// The integrated case of the RIEC (integrale casus).
        IntegratedCase => "integrale-casus",
        /// Integrity screening under the Bibob Act.
        Bibob => "bibob",
        /// Enforcement and supervision (handhaving en toezicht).
        Enforcement => "handhaving",
        /// A picture of ondermijning in an area (ondermijningsbeeld), aggregates.
        CrimePicture => "ondermijningsbeeld",
        /// Hit/no-hit between partners before anything else is shared.
        HitNoHit => "hit-no-hit",
    }
);

coded_enum!(
    /// Categories of data a covenant covers (what, never the data itself).
    DataCategory {
        /// Name, date of birth, BSN (as a pseudonym or for hit/no-hit).
        Identity => "identificerend",
        /// Addresses and BAG objects.
        Address => "adres",
        /// Companies: KvK registration, officers, branches.
        Company => "onderneming",
        /// Financial data: property, transactions, tax positions.
        Financial => "financieel",
        /// Criminal data (AVG art. 10, UAVG art. 31–33).
        Criminal => "strafrechtelijk",
        /// The signal and its weighings as the step plan recorded them.
        SignalContent => "signaal",
        /// Measures taken: closures, refusals, fines.
        Measures => "maatregelen",
    }
);

/// The longest free text of a covenant (the arrangement, a legal basis).
pub const MAX_TEXT_CHARS: usize = 4000;
/// The most parties one covenant may have.
pub const MAX_PARTIES: usize = 40;

/// A party to a covenant as a form or the API submits it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyDraft {
    /// The organisation's code in Baken.
    pub organisatie: String,
    /// The legal basis on which this party provides and receives data.
    pub grondslag: String,
    /// Who signs for the party (a function, e.g. "burgemeester").
    pub ondertekenaar: String,
}

/// A covenant as a form or the API submits it, before any rule is applied.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CovenantDraft {
    pub naam: String,
    pub doelen: Vec<String>,
    pub categorieen: Vec<String>,
    /// `YYYY-MM-DD`.
    pub geldig_van: String,
    /// `YYYY-MM-DD`.
    pub geldig_tot: String,
    /// The joint-controller arrangement (AVG art. 26): who does what, the contact point for
    /// data subjects.
    pub regeling: String,
    /// Days a shared case is kept after it is closed.
    pub bewaartermijn_dagen: i64,
    pub partijen: Vec<PartyDraft>,
}

/// A validated party.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewParty {
    pub organisation: String,
    pub legal_basis: String,
    pub signatory: String,
}

/// A validated covenant, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewCovenant {
    pub name: String,
    pub purposes: Vec<Purpose>,
    pub categories: Vec<DataCategory>,
    pub valid_from: Date,
    pub valid_until: Date,
    pub arrangement: String,
    pub retention_days: i64,
    pub parties: Vec<NewParty>,
}

fn date(input: &str) -> Option<Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(input.trim(), &fmt).ok()
}

fn text(errors: &mut Vec<FieldError>, field: &str, value: &str, min: usize) -> String {
    let value = value.trim();
    let n = value.chars().count();
    if n < min {
        errors.push(FieldError::new(field, "verplicht"));
    } else if n > MAX_TEXT_CHARS {
        errors.push(FieldError::new(
            field,
            format!("te lang: ten hoogste {MAX_TEXT_CHARS} tekens"),
        ));
    }
    value.to_owned()
}

fn codes<T: Copy + PartialEq>(
    errors: &mut Vec<FieldError>,
    field: &str,
    raw: &[String],
    parse: impl Fn(&str) -> Option<T>,
) -> Vec<T> {
    let mut out = Vec::new();
    for code in raw.iter().filter(|c| !c.trim().is_empty()) {
        match parse(code) {
            Some(v) if !out.contains(&v) => out.push(v),
            Some(_) => {}
            None => errors.push(FieldError::new(field, format!("onbekende code {code:?}"))),
        }
    }
    if out.is_empty() {
        errors.push(FieldError::new(field, "kies er ten minste één"));
    }
    out
}

impl CovenantDraft {
    /// Applies the rules; every broken rule is named by its field.
    pub fn validate(&self) -> Result<NewCovenant, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = text(&mut errors, "naam", &self.naam, 3);
        let purposes = codes(&mut errors, "doelen", &self.doelen, Purpose::from_code);
        let categories = codes(
            &mut errors,
            "categorieen",
            &self.categorieen,
            DataCategory::from_code,
        );
        let from = date(&self.geldig_van);
        let until = date(&self.geldig_tot);
        if from.is_none() {
            errors.push(FieldError::new("geldig_van", "een datum als JJJJ-MM-DD"));
        }
        if until.is_none() {
            errors.push(FieldError::new("geldig_tot", "een datum als JJJJ-MM-DD"));
        }
        if let (Some(f), Some(u)) = (from, until)
            && u < f
        {
            errors.push(FieldError::new("geldig_tot", "ligt vóór de begindatum"));
        }
        let arrangement = text(&mut errors, "regeling", &self.regeling, 20);
        if !(30..=3650).contains(&self.bewaartermijn_dagen) {
            errors.push(FieldError::new(
                "bewaartermijn_dagen",
                "tussen 30 en 3650 dagen",
            ));
        }
        let mut parties: Vec<NewParty> = Vec::new();
        for (i, p) in self.partijen.iter().enumerate() {
            let organisation = p.organisatie.trim().to_lowercase();
            if organisation.is_empty() {
                continue;
            }
            let field = |f: &str| format!("partijen[{i}].{f}");
            if parties.iter().any(|q| q.organisation == organisation) {
                errors.push(FieldError::new(field("organisatie"), "staat er al in"));
                continue;
            }
            let legal_basis = text(&mut errors, &field("grondslag"), &p.grondslag, 5);
            let signatory = text(&mut errors, &field("ondertekenaar"), &p.ondertekenaar, 3);
            parties.push(NewParty {
                organisation,
                legal_basis,
                signatory,
            });
        }
        if parties.len() < 2 {
            errors.push(FieldError::new("partijen", "ten minste twee partijen"));
        } else if parties.len() > MAX_PARTIES {
            errors.push(FieldError::new(
                "partijen",
                format!("ten hoogste {MAX_PARTIES} partijen"),
            ));
        }
        match (from, until) {
            (Some(valid_from), Some(valid_until)) if errors.is_empty() => Ok(NewCovenant {
                name,
                purposes,
                categories,
                valid_from,
                valid_until,
                arrangement,
                retention_days: self.bewaartermijn_dagen,
                parties,
            }),
            _ => Err(errors),
        }
    }
}

coded_enum!(
    /// Where a covenant stands; derived from its signatures, dates and termination.
    CovenantStatus {
        /// Not every party has signed yet.
        Draft => "concept",
        /// Signed by all, but its first day has not come.
        NotYetValid => "nog-niet-geldig",
        /// Signed by all and within its validity: data may flow under it.
        Active => "actief",
        /// Past its last day.
        Expired => "verlopen",
        /// Ended early by a party.
        Terminated => "beeindigd",
    }
);

/// The status of a covenant on `today`.
pub fn status(
    all_signed: bool,
    terminated: bool,
    valid_from: Date,
    valid_until: Date,
    today: Date,
) -> CovenantStatus {
    if terminated {
        CovenantStatus::Terminated
    } else if today > valid_until {
        CovenantStatus::Expired
    } else if !all_signed {
        CovenantStatus::Draft
    } else if today < valid_from {
        CovenantStatus::NotYetValid
    } else {
        CovenantStatus::Active
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    pub(crate) fn draft() -> CovenantDraft {
        CovenantDraft {
            naam: "Convenant RIEC Zeeland-West-Brabant".into(),
            doelen: vec!["integrale-casus".into(), "hit-no-hit".into()],
            categorieen: vec!["adres".into(), "onderneming".into()],
            geldig_van: "2026-01-01".into(),
            geldig_tot: "2029-12-31".into(),
            regeling: "Het RIEC is aanspreekpunt voor betrokkenen; elke partij blijft verantwoordelijk voor wat zij verstrekt.".into(),
            bewaartermijn_dagen: 730,
            partijen: vec![
                PartyDraft {
                    organisatie: "riec-zwb".into(),
                    grondslag: "Art. 6 lid 1 sub e AVG; convenant".into(),
                    ondertekenaar: "voorzitter stuurgroep".into(),
                },
                PartyDraft {
                    organisatie: "Tilburg".into(),
                    grondslag: "Gemeentewet art. 172; art. 6 lid 1 sub e AVG".into(),
                    ondertekenaar: "burgemeester".into(),
                },
            ],
        }
    }

    #[test]
    fn a_complete_draft_validates_and_normalises_party_codes() {
        let c = draft().validate().unwrap();
        assert_eq!(c.purposes, vec![Purpose::IntegratedCase, Purpose::HitNoHit]);
        assert_eq!(c.parties[1].organisation, "tilburg");
        assert_eq!(c.valid_until, date!(2029 - 12 - 31));
    }

    #[test]
    fn every_broken_rule_is_named_by_its_field() {
        let mut d = draft();
        d.doelen = vec!["profilering".into()];
        d.geldig_tot = "2025-01-01".into();
        d.partijen.truncate(1);
        d.partijen[0].grondslag = String::new();
        d.bewaartermijn_dagen = 5;
        let fields: Vec<String> = d
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        for f in [
            "doelen",
            "geldig_tot",
            "partijen",
            "partijen[0].grondslag",
            "bewaartermijn_dagen",
        ] {
            assert!(fields.iter().any(|x| x == f), "{f} in {fields:?}");
        }
    }

    #[test]
    fn the_status_follows_signatures_dates_and_termination() {
        let (f, u) = (date!(2026 - 01 - 01), date!(2026 - 12 - 31));
        assert_eq!(
            status(false, false, f, u, date!(2026 - 06 - 01)),
            CovenantStatus::Draft
        );
        assert_eq!(
            status(true, false, f, u, date!(2025 - 06 - 01)),
            CovenantStatus::NotYetValid
        );
        assert_eq!(
            status(true, false, f, u, date!(2026 - 06 - 01)),
            CovenantStatus::Active
        );
        assert_eq!(
            status(true, false, f, u, date!(2026 - 12 - 31)),
            CovenantStatus::Active
        );
        assert_eq!(
            status(true, false, f, u, date!(2027 - 01 - 01)),
            CovenantStatus::Expired
        );
        assert_eq!(
            status(true, true, f, u, date!(2026 - 06 - 01)),
            CovenantStatus::Terminated
        );
    }
}
