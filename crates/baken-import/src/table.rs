//! An organisation's own tables: CSV (delimiter and encoding detected, decimal commas and
//! thousands separators, quoted fields with newlines) and XLSX (first or named sheet).
//!
//! Reading happens in two passes over the file, so memory stays bounded whatever its size:
//! [`infer`] reads every row once to settle each column's type (or takes the user's mapping),
//! then [`TableFile::rows`] reads them again and [`convert`] validates each row against the
//! plan, naming the row, column, value and reason of every problem.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufReader, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use baken_domain::area::{AreaCode, AreaLevel, parse_number};
use baken_domain::table::{Cell, CellRef, Column, ColumnType, RowBatch, column_key};
use calamine::{Data, Reader};

use crate::error::{ImportError, RowError};
use crate::text::{Encoding, detect_delimiter};

/// The longest field accepted, in characters.
pub const MAX_FIELD_CHARS: usize = 10_000;
/// The most columns accepted.
pub const MAX_COLUMNS: usize = 250;
/// Types are inferred from this many rows; every row is still checked against them.
pub const SAMPLE_ROWS: u64 = 20_000;
/// Categories are columns with at most this many distinct values.
pub const MAX_CATEGORY_VALUES: usize = 50;

/// A cell as the file holds it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum RawCell {
    #[default]
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    Date(time::Date),
}

enum Source {
    Csv { encoding: Encoding, delimiter: u8 },
    Xlsx { rows: Vec<Vec<RawCell>> },
}

/// A data row, numbered as a spreadsheet shows it, or why it could not be read.
pub type RowResult = Result<(u64, Vec<RawCell>), RowError>;

/// An opened table file: its format and header.
pub struct TableFile {
    pub path: PathBuf,
    pub name: String,
    pub headers: Vec<String>,
    source: Source,
}

fn io_error(name: &str, e: impl std::fmt::Display) -> ImportError {
    ImportError::Csv {
        file: name.to_owned(),
        reason: e.to_string(),
    }
}

/// True when the whole file is valid UTF-8 (read in chunks, not at once).
fn is_utf8(path: &Path, name: &str) -> Result<bool, ImportError> {
    let mut file = BufReader::new(File::open(path).map_err(|e| io_error(name, e))?);
    let mut buf = vec![0u8; 1 << 20];
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let n = file.read(&mut buf).map_err(|e| io_error(name, e))?;
        if n == 0 {
            return Ok(carry.is_empty());
        }
        carry.extend_from_slice(&buf[..n]);
        match std::str::from_utf8(&carry) {
            Ok(_) => carry.clear(),
            Err(e) if e.error_len().is_none() => {
                // An incomplete sequence at the end of the chunk: keep it for the next one.
                let keep = carry.split_off(e.valid_up_to());
                carry = keep;
            }
            Err(_) => return Ok(false),
        }
    }
}

fn excel_date(value: f64) -> Option<time::Date> {
    // Excel's dates run from 1900 to 9999: anything else is not a date (and would overflow).
    if !value.is_finite() || !(0.0..3_000_000.0).contains(&value) {
        return None;
    }
    let base = time::Date::from_calendar_date(1899, time::Month::December, 30).ok()?;
    base.checked_add(time::Duration::days(value.floor() as i64))
}

fn raw_from_excel(data: &Data) -> RawCell {
    match data {
        Data::Empty | Data::Error(_) => RawCell::Empty,
        Data::Int(i) => RawCell::Number(*i as f64),
        Data::Float(f) => RawCell::Number(*f),
        Data::Bool(b) => RawCell::Bool(*b),
        Data::DateTime(d) => excel_date(d.as_f64()).map_or(RawCell::Empty, RawCell::Date),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            if s.trim().is_empty() {
                RawCell::Empty
            } else {
                RawCell::Text(s.clone())
            }
        }
    }
}

impl TableFile {
    /// Opens a CSV or XLSX file (by its contents, not its name) and reads its header.
    pub fn open(path: &Path, sheet: Option<&str>) -> Result<Self, ImportError> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut magic = [0u8; 4];
        let read = File::open(path)
            .and_then(|mut f| f.read(&mut magic))
            .map_err(|e| io_error(&name, e))?;
        if read == 4 && magic == *b"PK\x03\x04" {
            let file = File::open(path).map_err(|e| io_error(&name, e))?;
            crate::xlsx::check_unpacked_size(BufReader::new(file))
                .map_err(|e| io_error(&name, e))?;
            let mut book = calamine::open_workbook_auto(path)
                .map_err(|e| io_error(&name, format!("not a readable spreadsheet: {e}")))?;
            let sheet_name = match sheet {
                Some(s) => s.to_owned(),
                None => book
                    .sheet_names()
                    .first()
                    .cloned()
                    .ok_or_else(|| io_error(&name, "the workbook has no sheets"))?,
            };
            let range = book.worksheet_range(&sheet_name).map_err(|e| {
                io_error(
                    &name,
                    format!(
                        "sheet {sheet_name:?}: {e} (sheets: {})",
                        book.sheet_names().join(", ")
                    ),
                )
            })?;
            let mut rows: Vec<Vec<RawCell>> = range
                .rows()
                .map(|r| r.iter().map(raw_from_excel).collect())
                .collect();
            if rows.is_empty() {
                return Err(io_error(&name, "the sheet is empty"));
            }
            let header = rows.remove(0);
            let headers = header
                .iter()
                .map(|c| match c {
                    RawCell::Text(s) => s.trim().to_owned(),
                    RawCell::Number(n) => n.to_string(),
                    _ => String::new(),
                })
                .collect();
            let table = Self {
                path: path.to_owned(),
                name,
                headers,
                source: Source::Xlsx { rows },
            };
            return table.checked();
        }
        let encoding = if is_utf8(path, &name)? {
            let mut bom = [0u8; 3];
            let n = File::open(path)
                .and_then(|mut f| f.read(&mut bom))
                .map_err(|e| io_error(&name, e))?;
            if n == 3 && bom == *b"\xef\xbb\xbf" {
                Encoding::Utf8Bom
            } else {
                Encoding::Utf8
            }
        } else {
            Encoding::Windows1252
        };
        // The delimiter from the first 64 KiB.
        let mut head = Vec::new();
        File::open(path)
            .map_err(|e| io_error(&name, e))?
            .take(64 * 1024)
            .read_to_end(&mut head)
            .map_err(|e| io_error(&name, e))?;
        let (text, _) = crate::text::decode(&head);
        let delimiter = detect_delimiter(&text);
        let mut table = Self {
            path: path.to_owned(),
            name: name.clone(),
            headers: Vec::new(),
            source: Source::Csv {
                encoding,
                delimiter,
            },
        };
        let mut reader = table.csv_reader()?;
        table.headers = reader
            .headers()
            .map_err(|e| io_error(&name, e))?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        table.checked()
    }

    fn checked(self) -> Result<Self, ImportError> {
        if self.headers.is_empty() || self.headers.iter().all(String::is_empty) {
            return Err(io_error(&self.name, "no header row"));
        }
        if self.headers.len() > MAX_COLUMNS {
            return Err(io_error(
                &self.name,
                format!("{} columns; at most {MAX_COLUMNS}", self.headers.len()),
            ));
        }
        Ok(self)
    }

    fn csv_reader(&self) -> Result<csv::Reader<Box<dyn Read + Send>>, ImportError> {
        let Source::Csv {
            encoding,
            delimiter,
        } = &self.source
        else {
            return Err(io_error(&self.name, "not a CSV file"));
        };
        let file = File::open(&self.path).map_err(|e| io_error(&self.name, e))?;
        let decoded: Box<dyn Read + Send> = match encoding {
            Encoding::Windows1252 => Box::new(
                encoding_rs_io::DecodeReaderBytesBuilder::new()
                    .encoding(Some(encoding_rs::WINDOWS_1252))
                    .build(BufReader::with_capacity(1 << 20, file)),
            ),
            _ => Box::new(
                encoding_rs_io::DecodeReaderBytesBuilder::new()
                    .strip_bom(true)
                    .build(BufReader::with_capacity(1 << 20, file)),
            ),
        };
        Ok(csv::ReaderBuilder::new()
            .delimiter(*delimiter)
            .flexible(true)
            .from_reader(decoded))
    }

    /// "CSV (Windows-1252, ;)" or "XLSX".
    pub fn format(&self) -> String {
        match &self.source {
            Source::Csv {
                encoding,
                delimiter,
            } => {
                let d = match delimiter {
                    b'\t' => "tab".to_owned(),
                    other => (*other as char).to_string(),
                };
                format!("CSV ({}, {d})", encoding.name())
            }
            Source::Xlsx { .. } => "XLSX".to_owned(),
        }
    }

    pub fn decimal_comma_default(&self) -> bool {
        matches!(&self.source, Source::Csv { delimiter, .. } if *delimiter != b',')
    }

    /// Every data row, numbered as a spreadsheet shows it (the header is row 1).
    pub fn rows(&self) -> Result<Box<dyn Iterator<Item = RowResult> + Send + '_>, ImportError> {
        match &self.source {
            Source::Xlsx { rows } => Ok(Box::new(
                rows.iter()
                    .enumerate()
                    .map(|(i, r)| Ok((i as u64 + 2, r.clone()))),
            )),
            Source::Csv { .. } => {
                let reader = self.csv_reader()?;
                Ok(Box::new(reader.into_records().enumerate().map(
                    |(i, record)| {
                        let row = i as u64 + 2;
                        match record {
                            Ok(r) => Ok((
                                row,
                                r.iter()
                                    .map(|f| {
                                        let f = f.trim();
                                        if f.is_empty() {
                                            RawCell::Empty
                                        } else {
                                            RawCell::Text(f.to_owned())
                                        }
                                    })
                                    .collect(),
                            )),
                            Err(e) => Err(RowError {
                                row,
                                column: String::new(),
                                value: String::new(),
                                reason: format!("unreadable CSV: {e}"),
                            }),
                        }
                    },
                )))
            }
        }
    }
}

/// What [`infer`] found.
#[derive(Debug, Clone)]
pub struct Inference {
    pub columns: Vec<Column>,
    /// Rows read to infer the types (all of them when the file is small).
    pub sampled: u64,
    /// True when every row was read; otherwise [`Inference::estimated_rows`] estimates.
    pub complete: bool,
    /// The number of data rows, exact when `complete`, else estimated from the file size.
    pub estimated_rows: u64,
    pub decimal_comma: bool,
    /// Distinct values of columns that can serve as categories (at most
    /// [`MAX_CATEGORY_VALUES`]), by column key.
    pub categories: Vec<(String, BTreeSet<String>)>,
    /// The first rows as written, for a preview.
    pub preview: Vec<Vec<String>>,
}

fn parse_date(s: &str) -> Option<time::Date> {
    use time::macros::format_description;
    let s = s.trim();
    for fmt in [
        format_description!("[year]-[month]-[day]"),
        format_description!("[day]-[month]-[year]"),
        format_description!("[day]/[month]/[year]"),
        format_description!("[day padding:none]-[month padding:none]-[year]"),
        format_description!("[day padding:none]/[month padding:none]/[year]"),
    ] {
        if let Ok(d) = time::Date::parse(s, &fmt) {
            return Some(d);
        }
    }
    None
}

/// `YYYY-MM-DD` that is a real date: the common case, checked without parsing formats.
fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i32> {
        b[r].iter().try_fold(0i32, |acc, d| {
            d.is_ascii_digit().then(|| acc * 10 + i32::from(d - b'0'))
        })
    };
    match (num(0..4), num(5..7), num(8..10)) {
        (Some(y), Some(m), Some(d)) => time::Month::try_from(m as u8)
            .ok()
            .and_then(|m| time::Date::from_calendar_date(y, m, d as u8).ok())
            .is_some(),
        _ => false,
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "ja" | "j" | "waar" | "true" | "yes" => Some(true),
        "nee" | "n" | "onwaar" | "false" | "no" => Some(false),
        _ => None,
    }
}

/// Digits with a leading zero are identifiers (a KvK number, a postcode), not numbers.
fn is_identifier(s: &str) -> bool {
    s.len() > 1 && s.starts_with('0') && s.bytes().all(|b| b.is_ascii_digit())
}

fn parse_integer(s: &str, decimal_comma: bool) -> Option<i64> {
    if is_identifier(s) {
        return None;
    }
    let v = parse_number(s, decimal_comma)?;
    (v.fract() == 0.0 && v.abs() < 9.0e15 && !s.contains(if decimal_comma { ',' } else { '.' }))
        .then_some(v as i64)
}

/// The types a cell could have, most specific first.
fn fits(cell: &RawCell, kind: ColumnType, decimal_comma: bool) -> bool {
    match (cell, kind) {
        (RawCell::Empty, _) | (_, ColumnType::Text) => true,
        (RawCell::Number(n), ColumnType::Integer) => n.fract() == 0.0,
        (RawCell::Number(_), ColumnType::Decimal) => true,
        (RawCell::Bool(_), ColumnType::Boolean) => true,
        (RawCell::Date(_), ColumnType::Date) => true,
        (RawCell::Text(s), ColumnType::Integer) => parse_integer(s, decimal_comma).is_some(),
        (RawCell::Text(s), ColumnType::Decimal) => {
            !is_identifier(s) && parse_number(s, decimal_comma).is_some()
        }
        (RawCell::Text(s), ColumnType::Date) => parse_date(s).is_some(),
        (RawCell::Text(s), ColumnType::Boolean) => parse_bool(s).is_some(),
        (RawCell::Text(s), ColumnType::AreaCode) => {
            AreaCode::parse(s).is_ok_and(|c| c.level() == AreaLevel::Municipality)
        }
        _ => false,
    }
}

fn text_of(cell: &RawCell) -> String {
    match cell {
        RawCell::Empty => String::new(),
        RawCell::Text(s) => s.clone(),
        RawCell::Number(n) => n.to_string(),
        RawCell::Bool(b) => b.to_string(),
        RawCell::Date(d) => d.to_string(),
    }
}

/// Settles each column's type from the first [`SAMPLE_ROWS`] rows: the most specific type
/// every non-empty cell fits, unless `overrides` (by header) say otherwise. A later row that
/// does not fit is reported when the rows are converted.
pub fn infer(
    file: &TableFile,
    overrides: &[(String, ColumnType)],
) -> Result<Inference, ImportError> {
    const ORDER: [ColumnType; 6] = [
        ColumnType::Boolean,
        ColumnType::AreaCode,
        ColumnType::Date,
        ColumnType::Integer,
        ColumnType::Decimal,
        ColumnType::Text,
    ];
    for (header, _) in overrides {
        if !file.headers.iter().any(|h| h == header) {
            return Err(io_error(
                &file.name,
                format!(
                    "no column {header:?} to type (columns: {})",
                    file.headers.join(", ")
                ),
            ));
        }
    }
    let width = file.headers.len();
    // Decimal commas: the default for `;` and tab files, unless a number is written with a
    // decimal point and no comma anywhere.
    let mut comma_seen = false;
    let mut point_decimal_seen = false;
    let mut candidates: Vec<Vec<ColumnType>> = vec![ORDER.to_vec(); width];
    let mut distinct: Vec<Option<BTreeSet<String>>> = vec![Some(BTreeSet::new()); width];
    let mut preview = Vec::new();
    let mut rows = 0u64;
    let mut complete = true;
    let decimal_default = file.decimal_comma_default();
    for item in file.rows()? {
        if rows >= SAMPLE_ROWS {
            complete = false;
            break;
        }
        let (_, cells) = item.map_err(|e| ImportError::Rows {
            file: file.name.clone(),
            errors: vec![e],
        })?;
        rows += 1;
        if preview.len() < 10 {
            preview.push(cells.iter().map(text_of).collect());
        }
        for (c, cell) in cells.iter().enumerate().take(width) {
            if let RawCell::Text(s) = cell {
                if s.contains(',')
                    && s.bytes()
                        .all(|b| b.is_ascii_digit() || b == b',' || b == b'.' || b == b'-')
                {
                    comma_seen = true;
                }
                if let Some((_, frac)) = s.split_once('.')
                    && !s.contains(',')
                    && frac.len() != 3
                    && s.bytes()
                        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
                {
                    point_decimal_seen = true;
                }
            }
            candidates[c].retain(|k| fits(cell, *k, decimal_default));
            if let Some(set) = &mut distinct[c]
                && !matches!(cell, RawCell::Empty)
            {
                set.insert(text_of(cell));
                if set.len() > MAX_CATEGORY_VALUES {
                    distinct[c] = None;
                }
            }
        }
    }
    let decimal_comma = if decimal_default {
        comma_seen || !point_decimal_seen
    } else {
        false
    };
    let mut columns: Vec<Column> = Vec::with_capacity(width);
    let mut keys: Vec<String> = Vec::new();
    for (c, header) in file.headers.iter().enumerate() {
        let header = if header.is_empty() {
            format!("kolom {}", c + 1)
        } else {
            header.clone()
        };
        let inferred = candidates[c].first().copied().unwrap_or(ColumnType::Text);
        let kind = overrides
            .iter()
            .find(|(h, _)| *h == header)
            .map_or(inferred, |(_, k)| *k);
        let key = column_key(&header, &keys);
        keys.push(key.clone());
        columns.push(Column { header, key, kind });
    }
    let categories = columns
        .iter()
        .zip(distinct)
        .filter(|(col, set)| {
            matches!(col.kind, ColumnType::Text | ColumnType::Boolean)
                && set.as_ref().is_some_and(|s| s.len() > 1)
        })
        .filter_map(|(col, set)| set.map(|s| (col.key.clone(), s)))
        .collect();
    let estimated_rows = if complete {
        rows
    } else {
        // The sample's share of the file, by bytes.
        let size = std::fs::metadata(&file.path).map(|m| m.len()).unwrap_or(0);
        let sampled_bytes: usize = preview_bytes(file, rows).unwrap_or(1).max(1);
        (size as f64 / sampled_bytes as f64 * rows as f64) as u64
    };
    Ok(Inference {
        columns,
        sampled: rows,
        complete,
        estimated_rows,
        decimal_comma,
        categories,
        preview,
    })
}

/// The bytes taken by the header and the first `rows` rows of a CSV file.
fn preview_bytes(file: &TableFile, rows: u64) -> Option<usize> {
    let mut reader = file.csv_reader().ok()?;
    let mut record = csv::ByteRecord::new();
    let mut n = 0;
    while n < rows && reader.read_byte_record(&mut record).ok()? {
        n += 1;
    }
    usize::try_from(reader.position().byte()).ok()
}

/// A text cell parsed for its column; borrowed from the file's text where it can be.
#[derive(Debug, Clone, PartialEq)]
enum Parsed<'a> {
    Null,
    Integer(i64),
    Decimal(f64),
    Boolean(bool),
    Date(Cow<'a, str>),
    Text(Cow<'a, str>),
}

impl Parsed<'_> {
    fn as_cell_ref(&self) -> CellRef<'_> {
        match self {
            Self::Null => CellRef::Null,
            Self::Integer(i) => CellRef::Integer(*i),
            Self::Decimal(d) => CellRef::Decimal(*d),
            Self::Boolean(b) => CellRef::Boolean(*b),
            Self::Date(d) => CellRef::Date(d),
            Self::Text(t) => CellRef::Text(t),
        }
    }

    fn into_cell(self) -> Cell {
        match self {
            Self::Null => Cell::Null,
            Self::Integer(i) => Cell::Integer(i),
            Self::Decimal(d) => Cell::Decimal(d),
            Self::Boolean(b) => Cell::Boolean(b),
            Self::Date(d) => Cell::Date(d.into_owned()),
            Self::Text(t) => Cell::Text(t.into_owned()),
        }
    }
}

/// Why a cell does not fit its column.
fn type_reason(kind: ColumnType) -> &'static str {
    match kind {
        ColumnType::Integer => "not a whole number",
        ColumnType::Decimal => "not a number",
        ColumnType::Date => "not a date (JJJJ-MM-DD or DD-MM-JJJJ)",
        ColumnType::Boolean => "not ja/nee",
        ColumnType::AreaCode => "not a municipality code (GM and four digits)",
        ColumnType::Text => "not text",
    }
}

/// Parses one trimmed text cell for its column: the one place that decides what a written
/// value means, for CSV and XLSX alike.
fn parse_text(s: &str, kind: ColumnType, decimal_comma: bool) -> Result<Parsed<'_>, String> {
    if s.is_empty() {
        return Ok(Parsed::Null);
    }
    if s.len() > MAX_FIELD_CHARS && s.chars().count() > MAX_FIELD_CHARS {
        return Err(format!("longer than {MAX_FIELD_CHARS} characters"));
    }
    let parsed = match kind {
        ColumnType::Text => Some(Parsed::Text(Cow::Borrowed(s))),
        ColumnType::Date if is_iso_date(s) => Some(Parsed::Date(Cow::Borrowed(s))),
        ColumnType::Date => parse_date(s).map(|d| Parsed::Date(Cow::Owned(d.to_string()))),
        ColumnType::Integer => parse_integer(s, decimal_comma).map(Parsed::Integer),
        ColumnType::Decimal => parse_number(s, decimal_comma).map(Parsed::Decimal),
        ColumnType::Boolean => parse_bool(s).map(Parsed::Boolean),
        ColumnType::AreaCode => AreaCode::parse(s)
            .ok()
            .filter(|c| c.level() == AreaLevel::Municipality)
            .map(|c| {
                if c.as_str() == s {
                    Parsed::Text(Cow::Borrowed(s))
                } else {
                    Parsed::Text(Cow::Owned(c.to_string()))
                }
            }),
    };
    parsed.ok_or_else(|| type_reason(kind).to_owned())
}

/// Parses one cell as the file holds it for its column.
fn parse_raw(cell: &RawCell, kind: ColumnType, decimal_comma: bool) -> Result<Parsed<'_>, String> {
    let parsed = match (cell, kind) {
        (RawCell::Empty, _) => Some(Parsed::Null),
        (RawCell::Text(s), _) => return parse_text(s, kind, decimal_comma),
        (_, ColumnType::Text) => Some(Parsed::Text(Cow::Owned(text_of(cell)))),
        (RawCell::Number(n), ColumnType::Integer) if n.fract() == 0.0 => {
            Some(Parsed::Integer(*n as i64))
        }
        (RawCell::Number(n), ColumnType::Decimal) => Some(Parsed::Decimal(*n)),
        (RawCell::Bool(b), ColumnType::Boolean) => Some(Parsed::Boolean(*b)),
        (RawCell::Date(d), ColumnType::Date) => Some(Parsed::Date(Cow::Owned(d.to_string()))),
        _ => None,
    };
    parsed.ok_or_else(|| type_reason(kind).to_owned())
}

/// The problem of a row with more (non-empty) fields than the header has columns.
fn too_wide<'a>(
    row: u64,
    extra: impl Iterator<Item = Cow<'a, str>>,
    fields: usize,
    width: usize,
) -> Option<RowError> {
    let mut extra = extra.filter(|v| !v.trim().is_empty());
    let first = extra.next()?;
    Some(RowError {
        row,
        column: format!("kolom {}", width + 1),
        value: first.into_owned(),
        reason: format!("the row has {fields} fields; the header has {width}"),
    })
}

/// Validates one row against the columns; every problem is named.
pub fn convert(
    row: u64,
    cells: Vec<RawCell>,
    columns: &[Column],
    decimal_comma: bool,
) -> Result<Vec<Cell>, Vec<RowError>> {
    let mut out = Vec::with_capacity(columns.len());
    let mut errors = Vec::new();
    errors.extend(too_wide(
        row,
        cells
            .iter()
            .skip(columns.len())
            .map(|c| Cow::Owned(text_of(c))),
        cells.len(),
        columns.len(),
    ));
    for (c, col) in columns.iter().enumerate() {
        let cell = cells.get(c).unwrap_or(&RawCell::Empty);
        match parse_raw(cell, col.kind, decimal_comma) {
            Ok(v) => out.push(v.into_cell()),
            Err(reason) => errors.push(RowError {
                row,
                column: col.header.clone(),
                value: text_of(cell),
                reason,
            }),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Validates one row of text fields into `batch`; a row with problems leaves the batch as it
/// was and names every problem.
fn convert_into(
    row: u64,
    record: &csv::StringRecord,
    columns: &[Column],
    decimal_comma: bool,
    batch: &mut RowBatch,
) -> Result<(), Vec<RowError>> {
    let width = columns.len();
    let mut errors = Vec::new();
    errors.extend(too_wide(
        row,
        record.iter().skip(width).map(Cow::Borrowed),
        record.len(),
        width,
    ));
    batch.begin_row();
    let mut fields = record.iter().map(str::trim);
    for col in columns {
        let field = fields.next().unwrap_or("");
        match parse_text(field, col.kind, decimal_comma) {
            Ok(v) => batch.push(v.as_cell_ref()),
            Err(reason) => errors.push(RowError {
                row,
                column: col.header.clone(),
                value: field.to_owned(),
                reason,
            }),
        }
    }
    if errors.is_empty() && batch.end_row(row) {
        Ok(())
    } else {
        batch.abandon_row();
        Err(errors)
    }
}

impl TableFile {
    /// Reads every row, validating it against `columns`: complete batches of valid rows go to
    /// `on_batch` (which may stop the reading), each invalid row's problems to `on_problems`.
    /// Returns the number of rows read. CSV rows are parsed without an allocation per field.
    pub fn read_valid(
        &self,
        columns: &[Column],
        decimal_comma: bool,
        batch_rows: usize,
        mut on_batch: impl FnMut(RowBatch) -> ControlFlow<()>,
        mut on_problems: impl FnMut(Vec<RowError>),
    ) -> Result<u64, ImportError> {
        let batch_rows = batch_rows.max(1);
        let fresh = || RowBatch::new(columns.len(), batch_rows);
        let mut batch = fresh();
        let mut rows = 0u64;
        let mut stopped = false;
        let mut deliver = |batch: &mut RowBatch, force: bool| -> bool {
            if batch.len() >= batch_rows || (force && !batch.is_empty()) {
                let full = std::mem::replace(batch, fresh());
                return on_batch(full).is_break();
            }
            false
        };
        match &self.source {
            Source::Xlsx { .. } => {
                for item in self.rows()? {
                    rows += 1;
                    let converted = item.map_err(|e| vec![e]).and_then(|(row, cells)| {
                        convert(row, cells, columns, decimal_comma).map(|c| (row, c))
                    });
                    match converted {
                        Ok((row, cells)) => {
                            batch.begin_row();
                            for cell in &cells {
                                batch.push(cell.as_ref());
                            }
                            batch.end_row(row);
                        }
                        Err(errors) => on_problems(errors),
                    }
                    if deliver(&mut batch, false) {
                        stopped = true;
                        break;
                    }
                }
            }
            Source::Csv { .. } => {
                let mut reader = self.csv_reader()?;
                let mut record = csv::StringRecord::new();
                loop {
                    let row = rows + 2;
                    match reader.read_record(&mut record) {
                        Ok(false) => break,
                        Ok(true) => {
                            rows += 1;
                            if let Err(errors) =
                                convert_into(row, &record, columns, decimal_comma, &mut batch)
                            {
                                on_problems(errors);
                            }
                        }
                        Err(e) => {
                            rows += 1;
                            on_problems(vec![RowError {
                                row,
                                column: String::new(),
                                value: String::new(),
                                reason: format!("unreadable CSV: {e}"),
                            }]);
                        }
                    }
                    if deliver(&mut batch, false) {
                        stopped = true;
                        break;
                    }
                }
            }
        }
        if !stopped {
            deliver(&mut batch, true);
        }
        Ok(rows)
    }
}
