//! CBS StatLine downloads: the CSV export "met statistische symbolen" (title lines above the
//! header, `;`, every value quoted, decimal commas, regions by name, a units row, the symbols
//! `.` `x` `-`, a source footer) and the OData `TypedDataSet` JSON.
//!
//! Parsing gives raw cells; [`resolve`] matches the regions to known areas (by code, or by name
//! after normalising the forms StatLine writes) and turns the cells into observations, listing
//! every region it could not match and every value it could not read.

use std::collections::{BTreeMap, HashMap};

use baken_domain::area::{AreaCode, AreaLevel, Observation, Symbol, parse_number};
use serde_json::Value;

use crate::error::{ImportError, RowError};
use crate::text::{Encoding, decode, detect_delimiter};

/// A value as the file wrote it.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    Text(String),
    Number(f64),
    Null,
}

/// One figure before its region is known.
#[derive(Debug, Clone, PartialEq)]
pub struct RawCell {
    /// The line in the file (CSV) or the record number (JSON), from 1.
    pub line: u64,
    pub column: String,
    pub region: String,
    pub period: String,
    pub measure: String,
    pub category: String,
    pub value: RawValue,
}

/// A StatLine table as read.
#[derive(Debug, Clone, PartialEq)]
pub struct StatlineTable {
    pub title: String,
    /// "Bron: …" from the footer, when there is one.
    pub source: Option<String>,
    pub format: &'static str,
    pub encoding: Encoding,
    /// Unit per measure, from the units row.
    pub units: BTreeMap<String, String>,
    pub cells: Vec<RawCell>,
    /// Data rows (regions × periods) read.
    pub rows: u64,
}

fn csv_error(file: &str, reason: impl Into<String>) -> ImportError {
    ImportError::Csv {
        file: file.to_owned(),
        reason: reason.into(),
    }
}

/// Normalises a StatLine period code: `2023JJ00` → `2023`, `2023KW02` → `2023-Q2`,
/// `2023MM07` → `2023-07`; anything else is kept as written.
pub fn normalise_period(raw: &str) -> String {
    let p = raw.trim();
    if p.len() == 8 && p.is_ascii() && p[..4].bytes().all(|b| b.is_ascii_digit()) {
        let (year, kind, n) = (&p[..4], &p[4..6], &p[6..]);
        match kind {
            "JJ" => return year.to_owned(),
            "KW" => return format!("{year}-Q{}", n.trim_start_matches('0')),
            "MM" => return format!("{year}-{n}"),
            _ => {}
        }
    }
    p.to_owned()
}

/// Reads the CSV export.
pub fn parse_csv(file: &str, bytes: &[u8]) -> Result<StatlineTable, ImportError> {
    let (text, encoding) = decode(bytes);
    let delimiter = detect_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records: Vec<(u64, Vec<String>)> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(file, e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        records.push((line, record.iter().map(|f| f.trim().to_owned()).collect()));
    }

    let mut title = String::new();
    let mut filters: Vec<(String, String)> = Vec::new();
    let mut source = None;
    let mut i = 0;
    // Title and filter lines: one field each (or all fields but the first empty).
    while i < records.len() && records[i].1.iter().skip(1).all(String::is_empty) {
        let text = records[i].1.first().cloned().unwrap_or_default();
        if !text.is_empty() {
            if title.is_empty() {
                title = text;
            } else if let Some((k, v)) = text.split_once(':') {
                filters.push((k.trim().to_owned(), v.trim().to_owned()));
            }
        }
        i += 1;
    }
    // Header rows, up to and including the units row, whose first cell names the regions.
    let mut header: Vec<(String, Vec<String>)> = Vec::new();
    let mut pending_label: Option<String> = None;
    let mut units_row: Option<Vec<String>> = None;
    while i < records.len() {
        let (_, fields) = &records[i];
        i += 1;
        let first = fields.first().cloned().unwrap_or_default();
        if first.starts_with("Regio") {
            units_row = Some(fields[1..].to_vec());
            break;
        }
        if first.is_empty() && fields.len() == 2 {
            // `"";"Onderwerp"`: names the header row that follows.
            pending_label = Some(fields[1].clone());
            continue;
        }
        let label = if first.is_empty() {
            pending_label
                .take()
                .unwrap_or_else(|| "Onderwerp".to_owned())
        } else {
            first
        };
        header.push((label, fields[1..].to_vec()));
    }
    let Some(units) = units_row else {
        return Err(csv_error(
            file,
            "no header row starting with \"Regio's\": is this a StatLine CSV download?",
        ));
    };
    let width = units.len();
    if width == 0 {
        return Err(csv_error(file, "the header has no value columns"));
    }
    let cell = |row: &Vec<String>, c: usize| row.get(c).cloned().unwrap_or_default();
    let fixed_period = filters
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("Perioden"))
        .map(|(_, v)| v.clone());
    let categories: Vec<String> = filters
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("Perioden"))
        .map(|(_, v)| v.clone())
        .collect();
    struct Col {
        measure: String,
        period: Option<String>,
        category: String,
        unit: String,
        name: String,
    }
    let mut columns = Vec::with_capacity(width);
    for c in 0..width {
        let mut measure = String::new();
        let mut period = fixed_period.clone();
        let mut category = categories.clone();
        for (label, row) in &header {
            let value = cell(row, c);
            match label.as_str() {
                "Onderwerp" | "Onderwerpen" => measure = value,
                "Perioden" => period = Some(value),
                _ if !value.is_empty() => category.push(value),
                _ => {}
            }
        }
        if measure.is_empty() {
            measure = title.clone();
        }
        let unit = cell(&units, c);
        columns.push(Col {
            name: format!("{} {}", measure, period.clone().unwrap_or_default())
                .trim()
                .to_owned(),
            measure,
            period,
            category: category.join(" | "),
            unit,
        });
    }
    let mut table_units = BTreeMap::new();
    for col in &columns {
        if !col.unit.is_empty() {
            table_units.insert(col.measure.clone(), col.unit.clone());
        }
    }

    let mut cells = Vec::new();
    let mut rows = 0;
    for (line, fields) in &records[i..] {
        let region = fields.first().cloned().unwrap_or_default();
        if fields.iter().skip(1).all(String::is_empty) {
            // A footer line ("Bron: CBS") or an empty line.
            if let Some(s) = region.strip_prefix("Bron:") {
                source = Some(s.trim().to_owned());
            }
            continue;
        }
        rows += 1;
        for (c, col) in columns.iter().enumerate() {
            let Some(period) = col.period.clone() else {
                return Err(csv_error(
                    file,
                    "no period: neither a \"Perioden\" header row nor a \"Perioden: …\" line",
                ));
            };
            cells.push(RawCell {
                line: *line,
                column: col.name.clone(),
                region: region.clone(),
                period: normalise_period(&period),
                measure: col.measure.clone(),
                category: col.category.clone(),
                value: RawValue::Text(cell(fields, c + 1)),
            });
        }
    }
    if title.is_empty() {
        title = file.to_owned();
    }
    Ok(StatlineTable {
        title,
        source,
        format: "StatLine CSV",
        encoding,
        units: table_units,
        cells,
        rows,
    })
}

/// Reads the OData `TypedDataSet` JSON (`{"value": [{"ID": 0, "RegioS": "GM0855", "Perioden":
/// "2023JJ00", "Measure_1": 12.5, …}]}`): string fields are dimensions, numbers and nulls are
/// measures.
pub fn parse_odata(file: &str, bytes: &[u8]) -> Result<StatlineTable, ImportError> {
    let (text, encoding) = decode(bytes);
    let doc: Value = serde_json::from_str(&text).map_err(|e| ImportError::Json {
        file: file.to_owned(),
        reason: e.to_string(),
    })?;
    let records = doc
        .get("value")
        .and_then(Value::as_array)
        .ok_or_else(|| ImportError::Json {
            file: file.to_owned(),
            reason: "no \"value\" array: is this an OData TypedDataSet?".into(),
        })?;
    let mut cells = Vec::new();
    for (n, record) in records.iter().enumerate() {
        let line = n as u64 + 1;
        let Some(obj) = record.as_object() else {
            continue;
        };
        let region = obj
            .iter()
            .find(|(k, _)| k.starts_with("Regio"))
            .and_then(|(_, v)| v.as_str())
            .unwrap_or_default()
            .trim()
            .to_owned();
        let period = obj
            .get("Perioden")
            .and_then(Value::as_str)
            .map(normalise_period)
            .unwrap_or_default();
        let category: Vec<String> = obj
            .iter()
            .filter(|(k, v)| v.is_string() && *k != "Perioden" && !k.starts_with("Regio"))
            .map(|(_, v)| v.as_str().unwrap_or_default().trim().to_owned())
            .collect();
        for (key, value) in obj {
            if key == "ID" || value.is_string() {
                continue;
            }
            let value = match value {
                Value::Number(n) => n.as_f64().map_or(RawValue::Null, RawValue::Number),
                Value::Null => RawValue::Null,
                other => RawValue::Text(other.to_string()),
            };
            cells.push(RawCell {
                line,
                column: key.clone(),
                region: region.clone(),
                period: period.clone(),
                measure: key.clone(),
                category: category.join(" | "),
                value,
            });
        }
    }
    Ok(StatlineTable {
        title: file.to_owned(),
        source: Some("CBS".into()),
        format: "StatLine OData JSON",
        encoding,
        units: BTreeMap::new(),
        rows: records.len() as u64,
        cells,
    })
}

/// An area that regions can be matched to.
#[derive(Debug, Clone)]
pub struct KnownArea {
    pub code: AreaCode,
    pub name: String,
}

/// The result of matching a table's regions to areas.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    pub observations: Vec<Observation>,
    /// Regions no area matched: (line, region as written), each region once.
    pub unmatched: Vec<(u64, String)>,
    pub errors: Vec<RowError>,
}

fn fold(name: &str) -> String {
    name.replace(['\u{2019}', '\u{2018}', '`'], "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Splits a StatLine region label into a folded name, the level its suffix names, and a code
/// when the label carries one: `'s-Gravenhage (gemeente)`, `Limburg (PV)`, `Tilburg (GM0855)`.
pub fn normalise_region(label: &str) -> (String, Option<AreaLevel>, Option<AreaCode>) {
    let label = label.trim();
    if let Ok(code) = AreaCode::parse(label) {
        return (String::new(), Some(code.level()), Some(code));
    }
    if let Some(open) = label.rfind(" (")
        && label.ends_with(')')
    {
        let inner = &label[open + 2..label.len() - 1];
        let name = fold(&label[..open]);
        if let Ok(code) = AreaCode::parse(inner) {
            return (name, Some(code.level()), Some(code));
        }
        let level = match inner {
            "gemeente" | "G" => Some(AreaLevel::Municipality),
            "PV" => Some(AreaLevel::Province),
            "RE" => Some(AreaLevel::PoliceUnit),
            "VR" => Some(AreaLevel::SafetyRegion),
            "LD" | "CR" | "LG" | "LB" => Some(AreaLevel::Other),
            _ => None,
        };
        if level.is_some() {
            return (name, level, None);
        }
    }
    (fold(label), None, None)
}

/// Matches regions to `areas` and reads every value. Regions of levels Baken does not keep
/// (landsdelen, COROP) and unknown names are listed in [`Resolved::unmatched`].
pub fn resolve(table: &StatlineTable, areas: &[KnownArea]) -> Resolved {
    let mut by_level: HashMap<(AreaLevel, String), AreaCode> = HashMap::new();
    let mut by_name: HashMap<String, Vec<AreaCode>> = HashMap::new();
    let mut codes: HashMap<String, AreaCode> = HashMap::new();
    for a in areas {
        let name = fold(&a.name);
        by_level.insert((a.code.level(), name.clone()), a.code.clone());
        by_name.entry(name).or_default().push(a.code.clone());
        codes.insert(a.code.to_string(), a.code.clone());
    }
    let find = |label: &str| -> Option<AreaCode> {
        let (name, level, code) = normalise_region(label);
        if let Some(code) = code {
            return codes.get(code.as_str()).cloned();
        }
        match level {
            Some(AreaLevel::Other) => by_name
                .get(&name)
                .and_then(|c| c.iter().find(|c| c.level() == AreaLevel::Other).cloned()),
            Some(level) => by_level.get(&(level, name)).cloned(),
            None => {
                let candidates = by_name.get(&name)?;
                // Without a suffix StatLine means the municipality (provinces carry "(PV)").
                candidates
                    .iter()
                    .find(|c| c.level() == AreaLevel::Municipality)
                    .or_else(|| (candidates.len() == 1).then(|| &candidates[0]))
                    .cloned()
            }
        }
    };
    let mut resolved = Resolved::default();
    let mut cache: HashMap<String, Option<AreaCode>> = HashMap::new();
    for cell in &table.cells {
        let area = cache
            .entry(cell.region.clone())
            .or_insert_with(|| find(&cell.region))
            .clone();
        let Some(area) = area else {
            if !resolved.unmatched.iter().any(|(_, r)| *r == cell.region) {
                resolved.unmatched.push((cell.line, cell.region.clone()));
            }
            continue;
        };
        let (value, symbol) = match &cell.value {
            RawValue::Number(n) => (Some(*n), None),
            RawValue::Null => (None, Some(Symbol::Unknown)),
            RawValue::Text(t) => match Symbol::from_code(t.trim()) {
                Some(s) => (None, Some(s)),
                None => match parse_number(t, true) {
                    Some(v) => (Some(v), None),
                    None => {
                        resolved.errors.push(RowError {
                            row: cell.line,
                            column: cell.column.clone(),
                            value: t.clone(),
                            reason: "not a number or a CBS symbol (. x -)".into(),
                        });
                        continue;
                    }
                },
            },
        };
        resolved.observations.push(Observation {
            area,
            period: cell.period.clone(),
            measure: cell.measure.clone(),
            category: cell.category.clone(),
            value,
            symbol,
        });
    }
    resolved
}

#[cfg(test)]
mod tests {
    use super::*;

    fn areas() -> Vec<KnownArea> {
        crate::reference::load()
            .unwrap()
            .areas
            .into_iter()
            .map(|a| KnownArea {
                code: a.code,
                name: a.name,
            })
            .collect()
    }

    const EXAMPLE: &str = "\"Geregistreerde misdrijven; soort misdrijf, regio\"\n\"Soort misdrijf: Totaal misdrijven\"\n\"\"\n\"Onderwerp\";\"Geregistreerde misdrijven\"\n\"Perioden\";\"2023\"\n\"Regio's\";\"aantal\"\n\"Nederland\";\"794.193\"\n\"Aa en Hunze\";\"564\"\n\"'s-Gravenhage (gemeente)\";\"x\"\n\"Groningen (PV)\";\".\"\n\"Utrecht\";\"-\"\n\"Tilburg (GM0855)\";\"12,5\"\n\"Atlantis\";\"3\"\n\"Bron: CBS\"\n";

    #[test]
    fn the_documented_example_reads_with_symbols_and_decimal_commas() {
        let table = parse_csv("voorbeeld.csv", EXAMPLE.as_bytes()).unwrap();
        assert_eq!(
            table.title,
            "Geregistreerde misdrijven; soort misdrijf, regio"
        );
        assert_eq!(table.source.as_deref(), Some("CBS"));
        assert_eq!(
            table
                .units
                .get("Geregistreerde misdrijven")
                .map(String::as_str),
            Some("aantal")
        );
        assert_eq!(table.rows, 7);
        let r = resolve(&table, &areas());
        let get = |code: &str| {
            r.observations
                .iter()
                .find(|o| o.area.as_str() == code)
                .unwrap()
        };
        assert_eq!(get("NL01").value, Some(794_193.0));
        assert_eq!(get("GM1680").value, Some(564.0));
        assert_eq!(get("GM0518").symbol, Some(Symbol::Secret));
        assert_eq!(get("PV20").symbol, Some(Symbol::Unknown));
        assert_eq!(
            get("GM0344").symbol,
            Some(Symbol::Nil),
            "Utrecht without suffix is the municipality"
        );
        assert_eq!(get("GM0855").value, Some(12.5));
        assert_eq!(get("NL01").period, "2023");
        assert_eq!(get("NL01").category, "Totaal misdrijven");
        assert_eq!(r.unmatched, vec![(13, "Atlantis".to_owned())]);
        assert!(r.errors.is_empty());
    }

    #[test]
    fn a_real_download_with_two_periods_matches_every_municipality() {
        let bytes = include_bytes!("../../../data/fixtures/statline/misdrijven_2022_2023.csv");
        let table = parse_csv("misdrijven_2022_2023.csv", bytes).unwrap();
        let r = resolve(&table, &areas());
        let municipal = r
            .observations
            .iter()
            .filter(|o| o.area.level() == AreaLevel::Municipality)
            .count();
        assert_eq!(municipal, 342 * 2);
        let tilburg_2023 = r
            .observations
            .iter()
            .find(|o| o.area.as_str() == "GM0855" && o.period == "2023")
            .unwrap();
        assert!(tilburg_2023.value.unwrap() > 10_000.0);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert!(r.unmatched.len() <= 2, "{:?}", r.unmatched);
    }

    #[test]
    fn units_topics_and_landsdelen_are_read_from_a_wealth_table() {
        let bytes = include_bytes!("../../../data/fixtures/statline/vermogen_2023.csv");
        let table = parse_csv("vermogen_2023.csv", bytes).unwrap();
        assert_eq!(
            table.units.get("Totaal vermogen").map(String::as_str),
            Some("mld euro")
        );
        let r = resolve(&table, &areas());
        let aa = r
            .observations
            .iter()
            .find(|o| o.area.as_str() == "GM1680" && o.measure == "Gemiddeld vermogen")
            .unwrap();
        assert_eq!(aa.value, Some(394.5));
        assert_eq!(aa.period, "2023");
        assert!(
            r.unmatched
                .iter()
                .any(|(_, name)| name == "Noord-Nederland (LD)"),
            "landsdelen are not areas of Baken"
        );
        assert!(r.errors.is_empty(), "{:?}", r.errors);
    }

    #[test]
    fn a_bad_value_is_named_by_line_and_column() {
        let text = EXAMPLE.replace("\"564\"", "\"vijf\"");
        let table = parse_csv("x.csv", text.as_bytes()).unwrap();
        let r = resolve(&table, &areas());
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].row, 8);
        assert_eq!(r.errors[0].value, "vijf");
        assert_eq!(r.errors[0].column, "Geregistreerde misdrijven 2023");
    }

    #[test]
    fn odd_periods_are_kept_as_written_without_panicking() {
        assert_eq!(normalise_period("2023KW02"), "2023-Q2");
        assert_eq!(normalise_period("2023Ké1"), "2023Ké1");
        assert_eq!(normalise_period("abcéxyz"), "abcéxyz");
    }

    #[test]
    fn a_file_that_is_not_statline_is_refused_with_a_reason() {
        let err = parse_csv("x.csv", b"a;b\n1;2\n").unwrap_err();
        assert!(err.to_string().contains("Regio's"), "{err}");
    }

    #[test]
    fn odata_typed_datasets_read_codes_periods_and_nulls() {
        let json = r#"{"value":[
            {"ID":0,"SoortMisdrijf":"0.0.0 ","RegioS":"GM0855  ","Perioden":"2023JJ00","GeregistreerdeMisdrijven_1":12345.0,"Aangiften_2":null},
            {"ID":1,"SoortMisdrijf":"0.0.0 ","RegioS":"PV30    ","Perioden":"2023KW02","GeregistreerdeMisdrijven_1":7.5,"Aangiften_2":3}
        ]}"#;
        let table = parse_odata("t.json", json.as_bytes()).unwrap();
        let r = resolve(&table, &areas());
        assert_eq!(r.observations.len(), 4);
        let t = r
            .observations
            .iter()
            .find(|o| o.area.as_str() == "GM0855" && o.measure == "GeregistreerdeMisdrijven_1")
            .unwrap();
        assert_eq!(
            (t.value, t.period.as_str(), t.category.as_str()),
            (Some(12345.0), "2023", "0.0.0")
        );
        let null = r
            .observations
            .iter()
            .find(|o| o.measure == "Aangiften_2" && o.area.as_str() == "GM0855")
            .unwrap();
        assert_eq!(null.symbol, Some(Symbol::Unknown));
        assert!(r.observations.iter().any(|o| o.period == "2023-Q2"));
        assert!(parse_odata("t.json", b"{\"rows\": []}").is_err());
    }

    #[test]
    fn windows_1252_statline_files_read_too() {
        let text = EXAMPLE.replace("Aa en Hunze", "Súdwest-Fryslân");
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
        let table = parse_csv("w.csv", &bytes).unwrap();
        assert_eq!(table.encoding, Encoding::Windows1252);
        let r = resolve(&table, &areas());
        assert!(
            r.observations.iter().any(|o| o.area.as_str() == "GM1900"),
            "{:?}",
            r.unmatched
        );
    }
}
