//! The step plan shipped as `data/signals/protocol.toml`, and extracts of municipal registers
//! that are connected as sources answering hit/no-hit.
//!
//! An extract is a CSV (UTF-8 or Windows-1252, `;` or `,`) with a column `soort` (`persoon`,
//! `bedrijf` or `adres`) and the identifying columns of that kind: `bsn`, or `naam` with
//! `geboortedatum`, for a person; `kvk` for a company; `bag_id`, or `postcode` with
//! `huisnummer` (and `huisletter`, `toevoeging`), for an address. Every other column is a
//! detail, shown only after an approved detail request. Either every row is read, or the
//! problems of every row are returned and nothing is.

use baken_domain::signal::SubjectKind;
use baken_domain::signal::config::Protocol;
use baken_domain::signal::ids::{
    BagId, Bsn, CocNumber, HouseAddition, HouseLetter, HouseNumber, Postcode, parse_past_date,
};
use baken_domain::signal::subject::{address_key, bsn_basis, fold_name, name_basis};

use crate::error::RowError;
use crate::text::{decode, detect_delimiter};

pub const SHIPPED_PROTOCOL: &str = include_str!("../../../data/signals/protocol.toml");

/// The most rows an extract may have.
pub const MAX_EXTRACT_ROWS: usize = 500_000;
/// The longest field in an extract.
pub const MAX_FIELD_CHARS: usize = 1_000;

/// Why a protocol text is not accepted.
#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    #[error("the step plan cannot be read: {0}")]
    Syntax(String),
    #[error("the step plan breaks {} rule(s); first: {}", .0.len(), .0.first().map(|p| format!("{}: {}", p.at, p.reason)).unwrap_or_default())]
    Rules(Vec<baken_domain::signal::config::ProtocolProblem>),
}

/// Parses and checks a step plan in TOML.
pub fn parse_protocol(text: &str) -> Result<Protocol, ProtocolError> {
    let protocol: Protocol =
        toml::from_str(text).map_err(|e| ProtocolError::Syntax(e.to_string()))?;
    let problems = protocol.check();
    if problems.is_empty() {
        Ok(protocol)
    } else {
        Err(ProtocolError::Rules(problems))
    }
}

/// A step plan as TOML, in the shipped file's shape, to download, adapt and upload again.
pub fn protocol_to_toml(protocol: &Protocol) -> Result<String, ProtocolError> {
    toml::to_string(protocol).map_err(|e| ProtocolError::Syntax(e.to_string()))
}

pub fn shipped_protocol() -> Result<Protocol, ProtocolError> {
    parse_protocol(SHIPPED_PROTOCOL)
}

/// What identifies an extract row's subject, before it is pseudonymised by the store.
#[derive(Clone, PartialEq, Eq)]
pub enum ExtractKey {
    /// A person's pseudonym basis (`bsn:…` or `naam:…|date`); never printed.
    Person(String),
    Company(String),
    Address(String),
}

impl std::fmt::Debug for ExtractKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Person(_) => f.write_str("Person(…)"),
            Self::Company(k) => write!(f, "Company({k})"),
            Self::Address(k) => write!(f, "Address({k})"),
        }
    }
}

impl ExtractKey {
    pub fn kind(&self) -> SubjectKind {
        match self {
            Self::Person(_) => SubjectKind::Person,
            Self::Company(_) => SubjectKind::Company,
            Self::Address(_) => SubjectKind::Address,
        }
    }
}

/// One row of an extract: who it is about, and the register's details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractRow {
    pub key: ExtractKey,
    pub details: Vec<(String, String)>,
}

const KEY_COLUMNS: [&str; 9] = [
    "soort",
    "bsn",
    "naam",
    "geboortedatum",
    "kvk",
    "bag_id",
    "postcode",
    "huisnummer",
    "huisletter",
];

/// Reads an extract; all rows or, with every problem named by row and column, none.
pub fn read_extract(bytes: &[u8], today: time::Date) -> Result<Vec<ExtractRow>, Vec<RowError>> {
    let (text, _) = decode(bytes);
    let delimiter = detect_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .from_reader(text.as_bytes());
    let problem = |row: u64, column: &str, value: &str, reason: &str| RowError {
        row,
        column: column.to_owned(),
        value: value.chars().take(60).collect(),
        reason: reason.to_owned(),
    };
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(e) => {
            return Err(vec![problem(
                1,
                "",
                "",
                &format!("no readable header: {e}"),
            )]);
        }
    };
    if !headers.iter().any(|h| h == "soort") {
        return Err(vec![problem(
            1,
            "soort",
            "",
            "the extract needs a column soort (persoon, bedrijf or adres)",
        )]);
    }
    let col = |name: &str| headers.iter().position(|h| h == name);
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i as u64 + 2;
        if errors.len() >= 100 {
            break;
        }
        if rows.len() >= MAX_EXTRACT_ROWS {
            errors.push(problem(
                row,
                "",
                "",
                &format!("an extract has at most {MAX_EXTRACT_ROWS} rows"),
            ));
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(problem(row, "", "", &format!("not a valid CSV row: {e}")));
                continue;
            }
        };
        let get = |name: &str| col(name).and_then(|c| record.get(c)).unwrap_or("").trim();
        if let Some((c, v)) = headers
            .iter()
            .zip(record.iter())
            .find(|(_, v)| v.chars().count() > MAX_FIELD_CHARS)
        {
            errors.push(problem(
                row,
                c,
                v,
                &format!("a field has at most {MAX_FIELD_CHARS} characters"),
            ));
            continue;
        }
        let kind = get("soort");
        let key = match SubjectKind::from_code(kind) {
            Some(SubjectKind::Person) => {
                if !get("bsn").is_empty() {
                    Bsn::parse(get("bsn"))
                        .map(|b| ExtractKey::Person(bsn_basis(&b)))
                        .map_err(|e| problem(row, "bsn", "(niet getoond)", &e.to_string()))
                } else {
                    let name = get("naam");
                    match parse_past_date(get("geboortedatum"), today) {
                        Ok(date) if !fold_name(name).is_empty() => {
                            Ok(ExtractKey::Person(name_basis(name, date)))
                        }
                        Ok(_) => Err(problem(
                            row,
                            "naam",
                            "",
                            "a person needs a BSN, or a name with a date of birth",
                        )),
                        Err(e) => Err(problem(
                            row,
                            "geboortedatum",
                            get("geboortedatum"),
                            &e.to_string(),
                        )),
                    }
                }
            }
            Some(SubjectKind::Company) => CocNumber::parse(get("kvk"))
                .map(|c| ExtractKey::Company(c.to_string()))
                .map_err(|e| problem(row, "kvk", get("kvk"), &e.to_string())),
            Some(SubjectKind::Address) => {
                if !get("bag_id").is_empty() {
                    BagId::parse(get("bag_id"))
                        .map(|b| ExtractKey::Address(format!("bag:{b}")))
                        .map_err(|e| problem(row, "bag_id", get("bag_id"), &e.to_string()))
                } else {
                    let parts = (
                        Postcode::parse(get("postcode")),
                        HouseNumber::parse(get("huisnummer")),
                    );
                    let letter = match get("huisletter") {
                        "" => Ok(None),
                        l => HouseLetter::parse(l).map(Some),
                    };
                    let addition = match get("toevoeging") {
                        "" => Ok(None),
                        a => HouseAddition::parse(a).map(Some),
                    };
                    match (parts, letter, addition) {
                        ((Ok(p), Ok(n)), Ok(l), Ok(a)) => Ok(ExtractKey::Address(address_key(
                            &p,
                            n,
                            l.as_ref(),
                            a.as_ref(),
                        ))),
                        ((Err(e), _), _, _) => {
                            Err(problem(row, "postcode", get("postcode"), &e.to_string()))
                        }
                        ((_, Err(e)), _, _) => Err(problem(
                            row,
                            "huisnummer",
                            get("huisnummer"),
                            &e.to_string(),
                        )),
                        (_, Err(e), _) => Err(problem(
                            row,
                            "huisletter",
                            get("huisletter"),
                            &e.to_string(),
                        )),
                        (_, _, Err(e)) => Err(problem(
                            row,
                            "toevoeging",
                            get("toevoeging"),
                            &e.to_string(),
                        )),
                    }
                }
            }
            None => Err(problem(
                row,
                "soort",
                kind,
                "soort is persoon, bedrijf or adres",
            )),
        };
        match key {
            Ok(key) => {
                let details = headers
                    .iter()
                    .zip(record.iter())
                    .filter(|(h, v)| {
                        !KEY_COLUMNS.contains(&h.as_str())
                            && *h != "toevoeging"
                            && !v.trim().is_empty()
                    })
                    .map(|(h, v)| (h.clone(), v.trim().to_owned()))
                    .collect();
                rows.push(ExtractRow { key, details });
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: time::Date = time::macros::date!(2026 - 11 - 28);

    #[test]
    fn the_shipped_step_plan_is_sound() {
        let p = shipped_protocol().unwrap();
        assert_eq!(p.kenmerk.len(), 5);
        assert_eq!(p.verankering.len(), 5);
        assert_eq!(p.signalering.len(), 5);
        assert!(p.legal_basis("avg-6-1-e").is_some());
        assert_eq!(p.bewaartermijnen.niet_opgepakt, 365);
    }

    #[test]
    fn a_step_plan_travels_through_toml_unchanged() {
        let p = shipped_protocol().unwrap();
        let text = protocol_to_toml(&p).unwrap();
        assert_eq!(parse_protocol(&text).unwrap(), p);
        let bad = text.replacen("niet-opgepakt = 365", "niet-opgepakt = 0", 1);
        match parse_protocol(&bad) {
            Err(ProtocolError::Rules(problems)) => {
                assert_eq!(problems[0].at, "bewaartermijnen.niet-opgepakt")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_dutch_excel_extract_reads_with_its_details() {
        let csv = "soort;bsn;naam;geboortedatum;kvk;postcode;huisnummer;vergunning;datum\r\n\
                   persoon;111222333;;;;;;exploitatie;2025-03-01\r\n\
                   persoon;;Jan Jansen;1980-01-01;;;;;\r\n\
                   bedrijf;;;;12345678;;;drank- en horeca;2024-01-01\r\n\
                   adres;;;;;5038aa;12;;\r\n";
        let rows = read_extract(csv.as_bytes(), TODAY).unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].key, ExtractKey::Person("bsn:111222333".into()));
        assert_eq!(
            rows[0].details,
            vec![
                ("vergunning".into(), "exploitatie".into()),
                ("datum".into(), "2025-03-01".into())
            ]
        );
        assert_eq!(
            rows[1].key,
            ExtractKey::Person("naam:jan jansen|1980-01-01".into())
        );
        assert_eq!(
            rows[3].key,
            ExtractKey::Address("adres:5038 AA|12||".into())
        );
    }

    #[test]
    fn every_bad_row_is_named_and_nothing_is_read() {
        let csv = "soort,bsn,kvk,postcode,huisnummer\n\
                   persoon,123456789,,,\n\
                   bedrijf,,1234,,\n\
                   adres,,,0000XX,1\n\
                   schip,,,,\n\
                   bedrijf,,12345678,,\n";
        let errors = read_extract(csv.as_bytes(), TODAY).unwrap_err();
        let at: Vec<(u64, &str)> = errors.iter().map(|e| (e.row, e.column.as_str())).collect();
        assert_eq!(at, [(2, "bsn"), (3, "kvk"), (4, "postcode"), (5, "soort")]);
        assert!(
            !errors[0].to_string().contains("123456789"),
            "a BSN is never echoed"
        );
        assert!(
            read_extract(b"naam\nx\n", TODAY).is_err(),
            "soort is required"
        );
    }
}
