//! Organisations (tenants) and their kinds.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::codes::{MunicipalityCode, OrgCode};

/// The kinds of organisation that work with Baken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrgType {
    /// gemeente — always carries its CBS municipality code.
    Municipality,
    /// RIEC (Regionaal Informatie- en Expertisecentrum).
    Riec,
    /// politie (a police unit).
    Police,
    /// belastingdienst (the tax office).
    TaxOffice,
    /// OM (the public prosecutor).
    PublicProsecutor,
    /// buitenlandse overheid (a Belgian or German authority, for instance).
    ForeignAuthority,
    /// overig.
    Other,
}

impl OrgType {
    pub const ALL: [OrgType; 7] = [
        Self::Municipality,
        Self::Riec,
        Self::Police,
        Self::TaxOffice,
        Self::PublicProsecutor,
        Self::ForeignAuthority,
        Self::Other,
    ];

    /// The stable code used in the database, the API and the CLI (Dutch, as users know them).
    pub fn code(self) -> &'static str {
        match self {
            Self::Municipality => "gemeente",
            Self::Riec => "riec",
            Self::Police => "politie",
            Self::TaxOffice => "belastingdienst",
            Self::PublicProsecutor => "om",
            Self::ForeignAuthority => "buitenlandse-overheid",
            Self::Other => "overig",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }
}

impl fmt::Display for OrgType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OrgError {
    #[error("a municipality needs its CBS municipality code")]
    MunicipalityWithoutCode,
    #[error("only a municipality has a CBS municipality code")]
    CodeOnNonMunicipality,
    #[error("the organisation name must be 2 to 200 characters")]
    Name,
}

/// A validated organisation, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganisation {
    pub code: OrgCode,
    pub name: String,
    pub org_type: OrgType,
    pub municipality_code: Option<MunicipalityCode>,
}

impl NewOrganisation {
    pub fn new(
        code: OrgCode,
        name: &str,
        org_type: OrgType,
        municipality_code: Option<MunicipalityCode>,
    ) -> Result<Self, OrgError> {
        let name = name.trim();
        if !(2..=200).contains(&name.chars().count()) {
            return Err(OrgError::Name);
        }
        match (org_type, &municipality_code) {
            (OrgType::Municipality, None) => return Err(OrgError::MunicipalityWithoutCode),
            (t, Some(_)) if t != OrgType::Municipality => {
                return Err(OrgError::CodeOnNonMunicipality);
            }
            _ => {}
        }
        Ok(Self {
            code,
            name: name.to_owned(),
            org_type,
            municipality_code,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_type_codes_round_trip() {
        for t in OrgType::ALL {
            assert_eq!(OrgType::from_code(t.code()), Some(t));
        }
        assert_eq!(OrgType::from_code("bank"), None);
    }

    #[test]
    fn a_municipality_must_have_its_cbs_code_and_others_must_not() {
        let code = OrgCode::parse("tilburg").unwrap();
        let gm = MunicipalityCode::parse("GM0855").unwrap();
        assert_eq!(
            NewOrganisation::new(
                code.clone(),
                "Gemeente Tilburg",
                OrgType::Municipality,
                None
            ),
            Err(OrgError::MunicipalityWithoutCode)
        );
        assert_eq!(
            NewOrganisation::new(code.clone(), "RIEC", OrgType::Riec, Some(gm.clone())),
            Err(OrgError::CodeOnNonMunicipality)
        );
        assert!(
            NewOrganisation::new(code, "Gemeente Tilburg", OrgType::Municipality, Some(gm)).is_ok()
        );
    }
}
