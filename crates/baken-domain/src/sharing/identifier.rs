//! The identifiers a hit/no-hit run compares, normalised the same way on both sides: BSN
//! (11-test), KvK number (8 digits) and BAG address-object id (16 digits, type 01).
//!
//! A list is one identifier per line (the first field of a `;`, `,` or tab separated line, so an
//! export with more columns works too). A line that does not normalise is reported by number
//! and left out; a BSN is never echoed back.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::signal::ids::{BagId, Bsn, CocNumber, IdError};
use crate::signal::marking::coded_enum;

/// The largest list file a run takes; larger files are refused before they are read whole.
pub const MAX_LIST_BYTES: u64 = 64 * 1024 * 1024;
/// The most identifiers one side of a run may hold.
pub const MAX_IDENTIFIERS: usize = 2_000_000;
/// The most rejected lines reported one by one (the rest are counted).
const MAX_REPORTED: usize = 100;

coded_enum!(
    /// The kind of identifier a run compares.
    IdentifierKind {
        /// Burgerservicenummer.
        Bsn => "bsn",
        /// KvK number.
        Coc => "kvk",
        /// BAG address-object id.
        Bag => "bag",
    }
);

impl IdentifierKind {
    /// The identifier in its normal form, or the rule it breaks.
    pub fn normalise(self, raw: &str) -> Result<String, IdError> {
        match self {
            Self::Bsn => Bsn::parse(raw).map(|b| b.as_str().to_owned()),
            Self::Coc => CocNumber::parse(raw).map(|c| c.as_str().to_owned()),
            Self::Bag => BagId::parse(raw).map(|b| b.as_str().to_owned()),
        }
    }
}

/// A stable code for the rule an identifier broke, for the message catalogue.
pub fn rule_code(e: &IdError) -> &'static str {
    match e {
        IdError::BsnFormat => "bsn-formaat",
        IdError::BsnElevenTest => "bsn-elfproef",
        IdError::CocNumber => "kvk",
        IdError::BagId => "bag",
        _ => "anders",
    }
}

/// A line that was left out of the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejected {
    /// 1-based line number in the file.
    pub line: usize,
    /// The rule broken, as [`rule_code`] names it.
    pub code: &'static str,
    pub reason: String,
}

/// A list ready for a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IdentifierList {
    /// Normalised, each once, in the order first seen.
    pub identifiers: Vec<String>,
    /// The first lines that did not normalise.
    pub rejected: Vec<Rejected>,
    /// How many lines did not normalise in all.
    pub rejected_total: usize,
    /// Lines that repeated an identifier already in the list.
    pub duplicates: usize,
}

/// Why a whole list is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListError {
    #[error("the list holds more than {MAX_IDENTIFIERS} identifiers")]
    TooMany,
    #[error("the list is not UTF-8 text (line {0})")]
    Encoding(usize),
}

/// Header words a list's first line may carry instead of an identifier.
const HEADERS: &[&str] = &[
    "bsn",
    "kvk",
    "kvk-nummer",
    "kvknummer",
    "kvk_nummer",
    "bag",
    "bag-id",
    "bag_id",
    "adresseerbaarobjectid",
    "identificatie",
    "id",
];

/// Reads a list of `kind` identifiers from `bytes`.
pub fn read_list(kind: IdentifierKind, bytes: &[u8]) -> Result<IdentifierList, ListError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut list = IdentifierList::default();
    let mut seen = HashSet::new();
    for (index, line) in bytes.split(|b| *b == b'\n').enumerate() {
        let number = index + 1;
        let line = std::str::from_utf8(line).map_err(|_| ListError::Encoding(number))?;
        let field = line
            .split([';', ',', '\t'])
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"')
            .trim();
        if field.is_empty() {
            continue;
        }
        if number == 1 && HEADERS.contains(&field.to_lowercase().as_str()) {
            continue;
        }
        match kind.normalise(field) {
            Ok(id) => {
                if seen.insert(id.clone()) {
                    if list.identifiers.len() == MAX_IDENTIFIERS {
                        return Err(ListError::TooMany);
                    }
                    list.identifiers.push(id);
                } else {
                    list.duplicates += 1;
                }
            }
            Err(e) => {
                list.rejected_total += 1;
                if list.rejected.len() < MAX_REPORTED {
                    list.rejected.push(Rejected {
                        line: number,
                        code: rule_code(&e),
                        reason: e.to_string(),
                    });
                }
            }
        }
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_is_normalised_deduplicated_and_bad_lines_are_named_without_echo() {
        let text = "bsn\n111222333\n 11122 2333 \n123456789\n\n12345672\r\n";
        let list = read_list(IdentifierKind::Bsn, text.as_bytes()).unwrap();
        assert_eq!(list.identifiers, vec!["111222333", "012345672"]);
        assert_eq!(list.duplicates, 1);
        assert_eq!(list.rejected_total, 1);
        assert_eq!(list.rejected[0].line, 4);
        assert!(!list.rejected[0].reason.contains("123456789"));
    }

    #[test]
    fn kvk_numbers_and_bag_ids_take_the_first_column() {
        let list = read_list(
            IdentifierKind::Coc,
            b"kvk;naam\n12345678;Bakkerij\n1234567;Kort\n",
        )
        .unwrap();
        assert_eq!(list.identifiers, vec!["12345678"]);
        assert_eq!(list.rejected[0].line, 3);
        let bag = read_list(IdentifierKind::Bag, b"0855010000123456\n0855020000123456\n").unwrap();
        assert_eq!(bag.identifiers, vec!["0855010000123456"]);
        assert_eq!(bag.rejected_total, 1);
    }

    #[test]
    fn a_list_that_is_not_text_is_refused_with_the_line() {
        assert_eq!(
            read_list(IdentifierKind::Coc, b"12345678\n\xff\xfe\n"),
            Err(ListError::Encoding(2))
        );
    }
}
