//! Identifiers with rules: municipality codes, organisation codes, e-mail addresses.
//!
//! Each is a newtype whose only constructor is a parser, so a value of the type is always valid.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a code could not be parsed. The message is for developers and logs; the web layer
/// translates the variant for people.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CodeError {
    #[error("a municipality code is GM followed by four digits, e.g. GM0855; got {0:?}")]
    MunicipalityCode(String),
    #[error(
        "an organisation code is 2 to 40 lowercase letters, digits and hyphens, starting with a letter; got {0:?}"
    )]
    OrgCode(String),
    #[error("not a valid e-mail address: {0:?}")]
    Email(String),
}

/// A CBS municipality code, `GM` and four digits (`GM0855` is Tilburg).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MunicipalityCode(String);

impl MunicipalityCode {
    /// Parses `GM0855`; lowercase `gm0855` is accepted and normalised.
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let trimmed = input.trim();
        let bytes = trimmed.as_bytes();
        let valid = bytes.len() == 6
            && bytes[..2].eq_ignore_ascii_case(b"GM")
            && bytes[2..].iter().all(u8::is_ascii_digit);
        if valid {
            Ok(Self(trimmed.to_ascii_uppercase()))
        } else {
            Err(CodeError::MunicipalityCode(input.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for MunicipalityCode {
    type Error = CodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<MunicipalityCode> for String {
    fn from(value: MunicipalityCode) -> Self {
        value.0
    }
}

impl fmt::Display for MunicipalityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The short, stable code of an organisation (`tilburg`, `riec-zwb`), used in e-mail
/// domains of demo users, URLs and the CLI's `--org`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgCode(String);

impl OrgCode {
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let s = input.trim();
        let ok = (2..=40).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && !s.ends_with('-')
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(CodeError::OrgCode(input.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OrgCode {
    type Error = CodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OrgCode> for String {
    fn from(value: OrgCode) -> Self {
        value.0
    }
}

impl fmt::Display for OrgCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address, normalised to lowercase. The check is deliberately simple (one `@`,
/// a dotted domain, no spaces, at most 254 characters): delivery is the real test.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let s = input.trim().to_lowercase();
        let err = || CodeError::Email(input.to_owned());
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(err());
        }
        let (local, domain) = s.split_once('@').ok_or_else(err)?;
        let domain_ok = !domain.contains('@')
            && domain.contains('.')
            && domain
                .split('.')
                .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(err());
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the `@`, used by the password rules.
    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or_default()
    }
}

impl TryFrom<String> for Email {
    type Error = CodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn municipality_code_accepts_cbs_form_and_normalises_case() {
        assert_eq!(
            MunicipalityCode::parse("GM0855").unwrap().as_str(),
            "GM0855"
        );
        assert_eq!(
            MunicipalityCode::parse(" gm0758 ").unwrap().as_str(),
            "GM0758"
        );
    }

    #[test]
    fn municipality_code_rejects_other_levels_and_lengths() {
        for bad in ["", "GM855", "GM08555", "PV20", "WK085501", "GMabcd", "0855"] {
            assert!(MunicipalityCode::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn org_code_rules() {
        assert!(OrgCode::parse("riec-zwb").is_ok());
        for bad in [
            "a",
            "Tilburg",
            "-x",
            "x-",
            "9lives",
            "met spatie",
            &"a".repeat(41),
        ] {
            assert!(OrgCode::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn email_is_lowercased_and_checked() {
        assert_eq!(
            Email::parse("Analist@Tilburg.Demo").unwrap().as_str(),
            "analist@tilburg.demo"
        );
        for bad in [
            "geen-at",
            "a@b",
            "@tilburg.demo",
            "a@@b.nl",
            "a b@c.nl",
            "a@-b.nl",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} accepted");
        }
    }

    proptest! {
        #[test]
        fn every_four_digit_code_round_trips(n in 0u32..10_000) {
            let code = format!("GM{n:04}");
            let parsed = MunicipalityCode::parse(&code).unwrap();
            prop_assert_eq!(parsed.to_string(), code);
        }

        #[test]
        fn municipality_parser_never_panics_and_only_accepts_six_chars(s in "\\PC{0,12}") {
            if let Ok(code) = MunicipalityCode::parse(&s) {
                prop_assert_eq!(code.as_str().len(), 6);
                prop_assert!(code.as_str().starts_with("GM"));
            }
        }

        #[test]
        fn email_parser_never_panics(s in "\\PC{0,80}") {
            let _ = Email::parse(&s);
        }
    }
}
