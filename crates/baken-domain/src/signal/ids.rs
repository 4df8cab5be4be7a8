//! The identifiers a signal's subjects carry: BSN, KvK number, postcode, house number with
//! letter and addition, BAG address-object id, SBI code and CBS neighbourhood code.
//!
//! Each is a newtype whose only constructor is a parser, so a value of the type is valid; the
//! error names the rule that was broken, for the field error a person reads.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Which rule an identifier broke.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdError {
    #[error("a BSN is 9 digits (8 with a leading zero left off) that pass the 11-test")]
    BsnFormat,
    #[error("this BSN fails the 11-test")]
    BsnElevenTest,
    #[error("a KvK number is exactly 8 digits")]
    CocNumber,
    #[error("a postcode is 4 digits (not starting with 0) and 2 letters, e.g. 5038 EA")]
    Postcode,
    #[error("a house number is a whole number from 1 to 99999")]
    HouseNumber,
    #[error("a house letter is one letter A-Z")]
    HouseLetter,
    #[error("a house number addition is 1 to 4 letters or digits")]
    HouseAddition,
    #[error("a BAG address-object id is 16 digits with object type 01 in positions 5-6")]
    BagId,
    #[error("an SBI code is 2 to 5 digits, optionally with dots (e.g. 56.10 or 5610)")]
    Sbi,
    #[error("a neighbourhood code is BU followed by 8 digits, e.g. BU08550101")]
    Neighbourhood,
    #[error("a date is YYYY-MM-DD and not in the future")]
    Date,
}

fn digits(s: &str) -> Option<Vec<u8>> {
    s.bytes()
        .map(|b| b.is_ascii_digit().then(|| b - b'0'))
        .collect()
}

macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }
        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    };
}

/// A burgerservicenummer. Never stored: it only feeds the keyed pseudonym of a person.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Bsn(String);

impl Bsn {
    /// Parses 9 digits (spaces and dots ignored; 8 digits get the leading zero back) that pass
    /// the 11-test: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is a multiple of 11, and not all zeros.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let cleaned: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-'))
            .collect();
        let padded = if cleaned.len() == 8 {
            format!("0{cleaned}")
        } else {
            cleaned
        };
        let d = digits(&padded)
            .filter(|d| d.len() == 9)
            .ok_or(IdError::BsnFormat)?;
        let sum: i64 = d[..8]
            .iter()
            .enumerate()
            .map(|(i, &x)| i64::from(x) * (9 - i as i64))
            .sum::<i64>()
            - i64::from(d[8]);
        if sum % 11 != 0 || d.iter().all(|&x| x == 0) {
            return Err(IdError::BsnElevenTest);
        }
        Ok(Self(padded))
    }
}

string_newtype!(Bsn);

/// Never print a BSN by accident.
impl fmt::Debug for Bsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Bsn(…)")
    }
}

/// A KvK number (Chamber of Commerce): 8 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CocNumber(String);

impl CocNumber {
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        match digits(&s) {
            Some(d) if d.len() == 8 => Ok(Self(s)),
            _ => Err(IdError::CocNumber),
        }
    }
}

string_newtype!(CocNumber);

/// A Dutch postcode, normalised to `5038 EA`. The letter pairs SA, SD and SS are not issued.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode(String);

impl Postcode {
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        let b = s.as_bytes();
        let ok = b.len() == 6
            && (b'1'..=b'9').contains(&b[0])
            && b[1..4].iter().all(u8::is_ascii_digit)
            && b[4..].iter().all(u8::is_ascii_uppercase)
            && !matches!(&s[4..], "SA" | "SD" | "SS");
        if ok {
            Ok(Self(format!("{} {}", &s[..4], &s[4..])))
        } else {
            Err(IdError::Postcode)
        }
    }

    /// The four digits: the postcode area.
    pub fn area(&self) -> &str {
        &self.0[..4]
    }
}

string_newtype!(Postcode);

/// A house number, 1 to 99999 (as the BAG allows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct HouseNumber(u32);

impl HouseNumber {
    pub fn parse(input: &str) -> Result<Self, IdError> {
        input
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=99_999).contains(n))
            .map(Self)
            .ok_or(IdError::HouseNumber)
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// A house letter: one letter, stored uppercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HouseLetter(String);

impl HouseLetter {
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim();
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_ascii_alphabetic() => Ok(Self(c.to_ascii_uppercase().into())),
            _ => Err(IdError::HouseLetter),
        }
    }
}

string_newtype!(HouseLetter);

/// A house number addition: 1 to 4 letters or digits, stored uppercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HouseAddition(String);

impl HouseAddition {
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim();
        if (1..=4).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric()) {
            Ok(Self(s.to_ascii_uppercase()))
        } else {
            Err(IdError::HouseAddition)
        }
    }
}

string_newtype!(HouseAddition);

/// The BAG id of an address object (verblijfsobject): 16 digits, the first four the code of
/// the municipality that issued it, then object type `01`, then a serial number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BagId(String);

impl BagId {
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim();
        match digits(s) {
            Some(d) if d.len() == 16 && d[4] == 0 && d[5] == 1 => Ok(Self(s.to_owned())),
            _ => Err(IdError::BagId),
        }
    }

    /// The four digits of the municipality that issued the id (it stays after a merger).
    pub fn issuing_municipality(&self) -> &str {
        &self.0[..4]
    }
}

string_newtype!(BagId);

/// An SBI code, stored as digits only (`5610`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SbiCode(String);

impl SbiCode {
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s: String = input.trim().chars().filter(|&c| c != '.').collect();
        match digits(&s) {
            Some(d) if (2..=5).contains(&d.len()) => Ok(Self(s)),
            _ => Err(IdError::Sbi),
        }
    }
}

string_newtype!(SbiCode);

/// A CBS neighbourhood code, `BU` and 8 digits (the first four the municipality's).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NeighbourhoodCode(String);

impl NeighbourhoodCode {
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim().to_ascii_uppercase();
        let ok = s.len() == 10 && s.starts_with("BU") && s[2..].bytes().all(|b| b.is_ascii_digit());
        if ok {
            Ok(Self(s))
        } else {
            Err(IdError::Neighbourhood)
        }
    }

    /// The municipality code (`GM0855`) the neighbourhood lies in.
    pub fn municipality(&self) -> String {
        format!("GM{}", &self.0[2..6])
    }
}

string_newtype!(NeighbourhoodCode);

/// A calendar date `YYYY-MM-DD`, not after `today`.
pub fn parse_past_date(input: &str, today: time::Date) -> Result<time::Date, IdError> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(input.trim(), &fmt)
        .ok()
        .filter(|d| *d <= today && d.year() >= 1900)
        .ok_or(IdError::Date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An independent 11-test written from its definition, for the property test.
    fn eleven_test(d: &[u8; 9]) -> bool {
        let weights = [9, 8, 7, 6, 5, 4, 3, 2, -1];
        let sum: i32 = d.iter().zip(weights).map(|(&x, w)| i32::from(x) * w).sum();
        sum.rem_euclid(11) == 0 && d.iter().any(|&x| x != 0)
    }

    #[test]
    fn known_bsns_pass_and_fail_the_eleven_test() {
        // 111222333 is the number the government uses in examples: 9+8+7+12+10+8+9+6-3 = 66.
        assert!(Bsn::parse("111222333").is_ok());
        assert!(Bsn::parse("1112.22.333").is_ok());
        assert_eq!(Bsn::parse("111222334"), Err(IdError::BsnElevenTest));
        assert_eq!(Bsn::parse("000000000"), Err(IdError::BsnElevenTest));
        assert_eq!(Bsn::parse("12345"), Err(IdError::BsnFormat));
        assert_eq!(Bsn::parse("11122233a"), Err(IdError::BsnFormat));
        assert_eq!(format!("{:?}", Bsn::parse("111222333")), "Ok(Bsn(…))");
    }

    #[test]
    fn postcodes_are_normalised_and_checked() {
        assert_eq!(Postcode::parse("5038ea").map(|p| p.0), Ok("5038 EA".into()));
        assert_eq!(
            Postcode::parse(" 5038 EA ").map(|p| p.0),
            Ok("5038 EA".into())
        );
        for bad in ["0123 AB", "5038 SS", "5038 E", "50388 EA", "5038 E1", ""] {
            assert_eq!(Postcode::parse(bad), Err(IdError::Postcode), "{bad}");
        }
    }

    #[test]
    fn bag_ids_must_be_address_objects() {
        assert!(BagId::parse("0855010000123456").is_ok());
        assert_eq!(
            BagId::parse("0855100000123456"),
            Err(IdError::BagId),
            "a building (pand) id is not an address object"
        );
        assert_eq!(BagId::parse("085501000012345"), Err(IdError::BagId));
        assert_eq!(
            BagId::parse("0855010000123456")
                .unwrap()
                .issuing_municipality(),
            "0855"
        );
    }

    #[test]
    fn other_identifiers() {
        assert!(CocNumber::parse("12345678").is_ok());
        assert_eq!(CocNumber::parse("1234567"), Err(IdError::CocNumber));
        assert_eq!(HouseNumber::parse("0"), Err(IdError::HouseNumber));
        assert_eq!(HouseNumber::parse("12").map(HouseNumber::get), Ok(12));
        assert_eq!(HouseLetter::parse("b").map(|l| l.0), Ok("B".into()));
        assert_eq!(HouseLetter::parse("bb"), Err(IdError::HouseLetter));
        assert_eq!(HouseAddition::parse("2hg").map(|a| a.0), Ok("2HG".into()));
        assert_eq!(HouseAddition::parse("toolong"), Err(IdError::HouseAddition));
        assert_eq!(SbiCode::parse("56.10").map(|s| s.0), Ok("5610".into()));
        assert_eq!(
            NeighbourhoodCode::parse("bu08550101").map(|n| n.municipality()),
            Ok("GM0855".into())
        );
        let today = time::macros::date!(2026 - 11 - 28);
        assert!(parse_past_date("1980-02-29", today).is_ok());
        assert_eq!(parse_past_date("1981-02-29", today), Err(IdError::Date));
        assert_eq!(parse_past_date("2027-01-01", today), Err(IdError::Date));
    }

    proptest! {
        #[test]
        fn the_bsn_parser_agrees_with_the_eleven_test(d in proptest::array::uniform9(0u8..10)) {
            let text: String = d.iter().map(|x| char::from(b'0' + x)).collect();
            prop_assert_eq!(Bsn::parse(&text).is_ok(), eleven_test(&d));
        }

        #[test]
        fn parsers_never_panic(s in "\\PC{0,24}") {
            let _ = Bsn::parse(&s);
            let _ = Postcode::parse(&s);
            let _ = BagId::parse(&s);
            let _ = CocNumber::parse(&s);
            let _ = HouseLetter::parse(&s);
            let _ = HouseAddition::parse(&s);
            let _ = NeighbourhoodCode::parse(&s);
        }

        #[test]
        fn a_parsed_postcode_parses_to_itself(n in 1000u32..10000, a in "[A-RT-Z]{2}") {
            let p = Postcode::parse(&format!("{n}{a}")).expect("valid");
            prop_assert_eq!(Postcode::parse(p.as_str()), Ok(p.clone()));
        }
    }
}
