//! Areas: the Netherlands, its provinces, police units (and the RIEC regions that follow them),
//! safety regions and municipalities, each in the division of a given year (municipalities merge
//! every year and codes change), and the statistics that are published per area.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The level of an area in the CBS regional classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AreaLevel {
    /// The Netherlands (`NL01`).
    Country,
    /// provincie (`PV20`…`PV31`).
    Province,
    /// politie-eenheid (`RE01`…`RE10`); each is also the area of one RIEC.
    PoliceUnit,
    /// veiligheidsregio (`VR01`…`VR25`).
    SafetyRegion,
    /// gemeente (`GM0855`).
    Municipality,
    /// What statistics publish but no map has: "Buitenland", "niet in te delen".
    Other,
}

impl AreaLevel {
    pub const ALL: [AreaLevel; 6] = [
        Self::Country,
        Self::Province,
        Self::PoliceUnit,
        Self::SafetyRegion,
        Self::Municipality,
        Self::Other,
    ];

    /// The Dutch code used in the database and the API (`?type=gemeente`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Country => "land",
            Self::Province => "provincie",
            Self::PoliceUnit => "politie-eenheid",
            Self::SafetyRegion => "veiligheidsregio",
            Self::Municipality => "gemeente",
            Self::Other => "overig",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }
}

impl fmt::Display for AreaLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("not an area code: {0:?} (expected NL01, PV20, RE01, VR01, GM0855 or OV-…)")]
pub struct AreaCodeError(pub String);

/// A CBS area code with its level read off the prefix.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AreaCode(String);

impl AreaCode {
    pub fn parse(input: &str) -> Result<Self, AreaCodeError> {
        let s = input.trim().to_ascii_uppercase();
        let digits = |prefix: &str, n: usize| {
            s.len() == prefix.len() + n
                && s.starts_with(prefix)
                && s[prefix.len()..].bytes().all(|b| b.is_ascii_digit())
        };
        let other = s.starts_with("OV-")
            && s.len() > 3
            && s.len() <= 60
            && s[3..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if digits("NL", 2)
            || digits("PV", 2)
            || digits("RE", 2)
            || digits("VR", 2)
            || digits("GM", 4)
            || other
        {
            Ok(Self(s))
        } else {
            Err(AreaCodeError(input.to_owned()))
        }
    }

    /// The code of an "other" area, made from its published name ("Buitenland" → `OV-BUITENLAND`).
    pub fn other_from_name(name: &str) -> Self {
        let mut slug = String::from("OV-");
        let mut dash = false;
        for c in name.chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_uppercase());
                dash = false;
            } else if !dash && slug.len() > 3 {
                slug.push('-');
                dash = true;
            }
        }
        let trimmed: String = slug.trim_end_matches('-').chars().take(60).collect();
        Self(trimmed)
    }

    pub fn level(&self) -> AreaLevel {
        match &self.0[..2] {
            "NL" => AreaLevel::Country,
            "PV" => AreaLevel::Province,
            "RE" => AreaLevel::PoliceUnit,
            "VR" => AreaLevel::SafetyRegion,
            "GM" => AreaLevel::Municipality,
            _ => AreaLevel::Other,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for AreaCode {
    type Error = AreaCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<AreaCode> for String {
    fn from(value: AreaCode) -> Self {
        value.0
    }
}

impl fmt::Display for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An area in the division of one year, with the areas it lies in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Area {
    pub code: AreaCode,
    pub year: i32,
    pub name: String,
    pub province: Option<AreaCode>,
    pub police_unit: Option<AreaCode>,
    /// The RIEC region's name (RIEC regions have no CBS code).
    pub riec_region: Option<String>,
    pub safety_region: Option<AreaCode>,
    pub population: Option<i64>,
    /// CBS urbanity class, 1 (very strongly urban) to 5 (not urban).
    pub urbanity: Option<i16>,
}

/// CBS's statistical symbols for a value that is not a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Symbol {
    /// `.` — unknown, or too unreliable to publish.
    Unknown,
    /// `x` — secret (would reveal an individual).
    Secret,
    /// `-` — nil: exactly zero by definition or nothing happened.
    Nil,
    /// An empty cell.
    Empty,
}

impl Symbol {
    pub fn code(self) -> &'static str {
        match self {
            Self::Unknown => ".",
            Self::Secret => "x",
            Self::Nil => "-",
            Self::Empty => "",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "." => Some(Self::Unknown),
            "x" | "X" => Some(Self::Secret),
            "-" => Some(Self::Nil),
            "" => Some(Self::Empty),
            _ => None,
        }
    }
}

/// One published figure: a measure for an area, a period and a category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub area: AreaCode,
    pub period: String,
    pub measure: String,
    /// A breakdown within the measure (a kind of crime, a reporting group); empty for none.
    pub category: String,
    pub value: Option<f64>,
    pub symbol: Option<Symbol>,
}

/// Parses a Dutch-formatted number: `1.234,5`, `794.193`, `-12,0`, `3 484 373`.
/// With `decimal_comma` false, `.` is the decimal mark and `,` groups thousands.
pub fn parse_number(input: &str, decimal_comma: bool) -> Option<f64> {
    // Fast path for plain integers, the most common cell: no allocation.
    let trimmed = input.trim();
    let digits = trimmed.strip_prefix('-').unwrap_or(trimmed);
    if !digits.is_empty() && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit()) {
        return trimmed.parse::<i64>().ok().map(|v| v as f64);
    }
    let s: String = input
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    if s.is_empty() {
        return None;
    }
    let normalised = if decimal_comma {
        s.replace('.', "").replace(',', ".")
    } else {
        s.replace(',', "")
    };
    let valid = normalised
        .trim_start_matches(['-', '+'])
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.')
        && normalised.matches('.').count() <= 1
        && normalised.chars().any(|c| c.is_ascii_digit());
    if !valid {
        return None;
    }
    normalised.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn area_codes_carry_their_level() {
        assert_eq!(
            AreaCode::parse("GM0855").unwrap().level(),
            AreaLevel::Municipality
        );
        assert_eq!(
            AreaCode::parse("pv30").unwrap().level(),
            AreaLevel::Province
        );
        assert_eq!(
            AreaCode::parse("RE08").unwrap().level(),
            AreaLevel::PoliceUnit
        );
        assert_eq!(
            AreaCode::parse("VR20").unwrap().level(),
            AreaLevel::SafetyRegion
        );
        assert_eq!(AreaCode::parse("NL01").unwrap().level(), AreaLevel::Country);
        for bad in ["GM855", "XX01", "", "RE1", "OV-", "WK085501"] {
            assert!(AreaCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn other_areas_get_a_stable_code_from_their_name() {
        assert_eq!(
            AreaCode::other_from_name("Buitenland").as_str(),
            "OV-BUITENLAND"
        );
        assert_eq!(
            AreaCode::other_from_name("Gemeenten; niet in te delen").as_str(),
            "OV-GEMEENTEN-NIET-IN-TE-DELEN"
        );
        let code = AreaCode::other_from_name("Niet in te delen");
        assert_eq!(AreaCode::parse(code.as_str()).unwrap(), code);
        assert_eq!(code.level(), AreaLevel::Other);
    }

    #[test]
    fn dutch_numbers_parse() {
        assert_eq!(parse_number("794.193", true), Some(794_193.0));
        assert_eq!(parse_number("1.234,5", true), Some(1234.5));
        assert_eq!(parse_number("-12,0", true), Some(-12.0));
        assert_eq!(parse_number("3 484 373", true), Some(3_484_373.0));
        assert_eq!(parse_number("0.6", false), Some(0.6));
        assert_eq!(parse_number("1,234.5", false), Some(1234.5));
        for bad in ["", ".", "x", "-", "12a", "1,2,3", "1.2.3,4,5"] {
            assert_eq!(parse_number(bad, true), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn a_number_written_the_dutch_way_reads_back(n in -1_000_000_000i64..1_000_000_000, cents in 0u32..100) {
            let abs = n.unsigned_abs();
            let mut grouped = String::new();
            for (i, c) in abs.to_string().chars().rev().enumerate() {
                if i > 0 && i % 3 == 0 { grouped.push('.'); }
                grouped.push(c);
            }
            let int_part: String = grouped.chars().rev().collect();
            let text = format!("{}{int_part},{cents:02}", if n < 0 { "-" } else { "" });
            let expected = n as f64 + if n < 0 { -(cents as f64) / 100.0 } else { cents as f64 / 100.0 };
            let parsed = parse_number(&text, true).unwrap();
            prop_assert!((parsed - expected).abs() < 1e-6, "{} -> {}", text, parsed);
        }

        #[test]
        fn area_code_parser_never_panics(s in "\\PC{0,20}") {
            let _ = AreaCode::parse(&s);
        }
    }
}
