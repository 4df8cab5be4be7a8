//! The indicator matrices and the sources catalogue, shipped as `data/matrices/*.toml` and
//! embedded in the binary.

use baken_domain::matrix::{
    Matrices, MatrixDocument, MatrixError, MatrixIndicator, Phenomenon, RowProblem, Source,
};
use serde::Deserialize;

pub const SHIPPED_PHENOMENA: &str = include_str!("../../../data/matrices/fenomenen.toml");
pub const SHIPPED_SOURCES: &str = include_str!("../../../data/matrices/bronnen.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PhenomenaFile {
    version: u32,
    #[serde(rename = "fenomeen")]
    phenomena: Vec<Phenomenon>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourcesFile {
    version: u32,
    #[serde(rename = "bron")]
    sources: Vec<Source>,
}

/// Parses and checks the two files.
pub fn parse_matrices(phenomena: &str, sources: &str) -> Result<Matrices, MatrixError> {
    let p: PhenomenaFile =
        toml::from_str(phenomena).map_err(|e| MatrixError::Syntax(format!("fenomenen: {e}")))?;
    let s: SourcesFile =
        toml::from_str(sources).map_err(|e| MatrixError::Syntax(format!("bronnen: {e}")))?;
    Matrices {
        version: p.version.max(s.version),
        phenomena: p.phenomena,
        sources: s.sources,
    }
    .check()
}

/// The shipped matrices, checked.
pub fn shipped_matrices() -> Result<Matrices, MatrixError> {
    parse_matrices(SHIPPED_PHENOMENA, SHIPPED_SOURCES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use baken_domain::matrix::Category;

    #[test]
    fn the_shipped_matrices_cover_nine_phenomena_and_thirty_sources() {
        let m = shipped_matrices().unwrap();
        assert!(m.phenomena.len() >= 9);
        assert!(m.sources.len() >= 30);
        for p in &m.phenomena {
            assert!(p.indicatoren.len() >= 12, "{} has too few indicators", p.id);
            for c in Category::ALL {
                assert!(
                    p.indicatoren.iter().any(|i| i.categorie == c),
                    "{} has no indicator of {c:?}",
                    p.id
                );
            }
            assert!(p.indicatoren.iter().filter(|i| i.zwaarwegend).count() >= 3);
        }
        let dashboard = crate::dashboard::shipped_catalogue().unwrap();
        for i in m.phenomena.iter().flat_map(|p| &p.indicatoren) {
            assert!(
                i.dashboard.is_empty() || dashboard.get(&i.dashboard).is_some(),
                "{} links to an unknown dashboard indicator {}",
                i.id,
                i.dashboard
            );
        }
    }

    /// Every shipped matrix, written as JSON, CSV and XLSX, reads back identical.
    #[test]
    fn export_then_import_gives_the_same_matrix_in_all_three_formats() {
        let m = shipped_matrices().unwrap();
        let header: Vec<String> = COLUMNS.iter().map(|c| (*c).to_owned()).collect();
        for p in &m.phenomena {
            let doc = MatrixDocument {
                phenomenon: p.clone(),
                own_sources: vec![],
            };
            let json = serde_json::to_vec_pretty(&doc).unwrap();
            assert_eq!(
                read_matrix(&json, MatrixFormat::Json, &doc, &m.sources).unwrap(),
                doc
            );
            let stamp = vec![format!("Matrix {}", p.id)];
            let rows = indicator_rows(p);
            let csv = baken_render_free_csv(&stamp, &header, &rows);
            assert_eq!(
                read_matrix(&csv, MatrixFormat::Csv, &doc, &m.sources).unwrap(),
                doc
            );
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            sheet.write_string(0, 0, &stamp[0]).unwrap();
            for (c, h) in header.iter().enumerate() {
                sheet.write_string(2, c as u16, h).unwrap();
            }
            for (r, row) in rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    sheet.write_string(3 + r as u32, c as u16, v).unwrap();
                }
            }
            let xlsx = book.save_to_buffer().unwrap();
            assert_eq!(
                read_matrix(&xlsx, MatrixFormat::Xlsx, &doc, &m.sources).unwrap(),
                doc
            );
        }
    }

    /// The CSV an export writes: BOM, stamp, empty line, header and rows with `;`.
    fn baken_render_free_csv(stamp: &[String], header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
        let mut out = Vec::from("\u{feff}".as_bytes());
        {
            let mut w = csv::WriterBuilder::new()
                .delimiter(b';')
                .flexible(true)
                .from_writer(&mut out);
            for s in stamp {
                w.write_record([s]).unwrap();
            }
            w.flush().unwrap();
        }
        out.push(b'\n');
        {
            let mut w = csv::WriterBuilder::new()
                .delimiter(b';')
                .from_writer(&mut out);
            w.write_record(header).unwrap();
            for r in rows {
                w.write_record(r).unwrap();
            }
            w.flush().unwrap();
        }
        out
    }

    #[test]
    fn a_bad_import_names_every_row_and_reads_nothing() {
        let m = shipped_matrices().unwrap();
        let p = &m.phenomena[0];
        let doc = MatrixDocument {
            phenomenon: p.clone(),
            own_sources: vec![],
        };
        let mut rows = indicator_rows(p);
        rows[1][6] = "9".into();
        rows[2][14] = "onbekende-bron".into();
        rows[3][0] = rows[0][0].clone();
        let header: Vec<String> = COLUMNS.iter().map(|c| (*c).to_owned()).collect();
        let csv = baken_render_free_csv(&[], &header, &rows);
        let problems = read_matrix(&csv, MatrixFormat::Csv, &doc, &m.sources).unwrap_err();
        // The file: an empty line, the header on line 2, data from line 3: the second
        // indicator is on line 4.
        assert!(
            problems
                .iter()
                .any(|p| p.row == Some(4) && p.reason.contains("uitlegbaar")),
            "{problems:?}"
        );
        // Without the bad score: the unknown source and the duplicate id are found next.
        let rest_rows = vec![rows[0].clone(), rows[2].clone(), rows[3].clone()];
        let rest = read_matrix(
            &baken_render_free_csv(&[], &header, &rest_rows),
            MatrixFormat::Csv,
            &doc,
            &m.sources,
        )
        .unwrap_err();
        assert!(rest.iter().any(|p| p.reason.contains("onbekende-bron")));
        assert!(rest.iter().any(|p| p.reason.contains("twice")), "{rest:?}");
    }

    #[test]
    fn a_score_out_of_range_or_an_unknown_source_is_named() {
        let sources = "version = 1\n[[bron]]\nid = \"brp\"\nnaam.nl = \"BRP\"\nnaam.en = \"BRP\"\nomschrijving.nl = \"x\"\nomschrijving.en = \"x\"\nhouder = \"x\"\ngebiedsniveau = \"adres\"\nactualisatie = \"dagelijks\"\npersoonsgegevens = true\ngrondslag.nl = \"x\"\ngrondslag.en = \"x\"\ndoelen = []\ntoegang = \"direct\"\neigenaar = \"gemeente\"\n";
        let phenomena = |score: u8, source: &str| {
            format!(
                "version = 1\n[[fenomeen]]\nid = \"drugs\"\nnaam.nl = \"D\"\nnaam.en = \"D\"\nomschrijving.nl = \"x\"\nomschrijving.en = \"x\"\n[[fenomeen.indicator]]\nid = \"dr-a\"\nnaam.nl = \"a\"\nnaam.en = \"a\"\ntoelichting.nl = \"x\"\ntoelichting.en = \"x\"\ncategorie = \"criminaliteit\"\ncriteria = {{ uitlegbaar = {score}, landelijk-beschikbaar = 2, laag-schaalniveau = 3, tijdreeks = 2, betrouwbaar = 3, stuurinformatie = 3 }}\nzwaarwegend = true\nbronnen = [\"{source}\"]\n"
            )
        };
        assert!(parse_matrices(&phenomena(3, "brp"), sources).is_ok());
        let err = parse_matrices(&phenomena(7, "brp"), sources).unwrap_err();
        assert!(err.to_string().contains("dr-a") && err.to_string().contains("1 to 5"));
        let err = parse_matrices(&phenomena(3, "kadaster"), sources).unwrap_err();
        assert!(err.to_string().contains("kadaster"));
    }
}

/// The columns of a matrix as a table (CSV, XLSX): one row per indicator; lists are joined
/// with `|`.
pub const COLUMNS: [&str; 16] = [
    "id",
    "naam_nl",
    "naam_en",
    "toelichting_nl",
    "toelichting_en",
    "categorie",
    "uitlegbaar",
    "landelijk_beschikbaar",
    "laag_schaalniveau",
    "tijdreeks",
    "betrouwbaar",
    "stuurinformatie",
    "zwaarwegend",
    "combineren_met",
    "bronnen",
    "dashboard",
];

/// The indicators of a matrix as table rows, in [`COLUMNS`] order.
pub fn indicator_rows(p: &Phenomenon) -> Vec<Vec<String>> {
    p.indicatoren
        .iter()
        .map(|i| {
            let mut row = vec![
                i.id.clone(),
                i.naam.nl.clone(),
                i.naam.en.clone(),
                i.toelichting.nl.clone(),
                i.toelichting.en.clone(),
                i.categorie.code().to_owned(),
            ];
            row.extend(i.criteria.scores().iter().map(u8::to_string));
            row.push(if i.zwaarwegend { "ja" } else { "nee" }.to_owned());
            row.push(i.combineren_met.join("|"));
            row.push(i.bronnen.join("|"));
            row.push(i.dashboard.clone());
            row
        })
        .collect()
}

/// The file formats a matrix is exported in and imported from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatrixFormat {
    Json,
    Csv,
    Xlsx,
}

impl MatrixFormat {
    pub fn from_name(name: &str) -> Option<Self> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".json") {
            Some(Self::Json)
        } else if lower.ends_with(".csv") || lower.ends_with(".txt") {
            Some(Self::Csv)
        } else if lower.ends_with(".xlsx") {
            Some(Self::Xlsx)
        } else {
            None
        }
    }
}

/// The largest matrix file read.
pub const MAX_MATRIX_BYTES: usize = 2 * 1024 * 1024;

fn problem(row: Option<usize>, indicator: &str, reason: impl Into<String>) -> RowProblem {
    RowProblem {
        row,
        indicator: indicator.to_owned(),
        reason: reason.into(),
    }
}

/// Reads table rows (the header row found by its first cell `id`; lines above it, such as an
/// export's stamp, are skipped) into indicators; every cell that cannot be read is named.
fn from_rows(
    numbered: Vec<(usize, Vec<String>)>,
) -> Result<(Vec<MatrixIndicator>, Vec<usize>), Vec<RowProblem>> {
    let lines: Vec<usize> = numbered.iter().map(|(n, _)| *n).collect();
    let rows: Vec<Vec<String>> = numbered.into_iter().map(|(_, r)| r).collect();
    use baken_domain::dashboard::indicator::Text;
    use baken_domain::matrix::{Category, Criteria};
    let Some(header_at) = rows.iter().position(|r| {
        r.first()
            .is_some_and(|c| c.trim().trim_start_matches('\u{feff}') == "id")
    }) else {
        return Err(vec![problem(
            None,
            "",
            "no header row starting with \"id\"",
        )]);
    };
    let header: Vec<String> = rows[header_at]
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let missing: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| col(c).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(vec![problem(
            lines.get(header_at).copied(),
            "",
            format!("missing columns: {}", missing.join(", ")),
        )]);
    }
    let mut indicators = Vec::new();
    let mut numbers = Vec::new();
    let mut problems = Vec::new();
    for (n, r) in rows.iter().enumerate().skip(header_at + 1) {
        let row = lines.get(n).copied().unwrap_or(n + 1);
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let get = |name: &str| {
            col(name)
                .and_then(|i| r.get(i))
                .map(|s| s.trim().to_owned())
                .unwrap_or_default()
        };
        let id = get("id");
        let list = |name: &str| -> Vec<String> {
            get(name)
                .split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let categorie = Category::from_code(&get("categorie"));
        if categorie.is_none() {
            problems.push(problem(
                Some(row),
                &id,
                format!(
                    "categorie {:?} is none of {}",
                    get("categorie"),
                    Category::ALL.map(Category::code).join(", ")
                ),
            ));
        }
        let mut scores = [0u8; 6];
        for (k, name) in COLUMNS[6..12].iter().enumerate() {
            match get(name).parse::<u8>() {
                Ok(v) if (1..=5).contains(&v) => scores[k] = v,
                _ => problems.push(problem(
                    Some(row),
                    &id,
                    format!("{name} {:?} is not a score from 1 to 5", get(name)),
                )),
            }
        }
        let zwaarwegend = match get("zwaarwegend").to_lowercase().as_str() {
            "ja" | "true" | "1" => Some(true),
            "nee" | "false" | "0" | "" => Some(false),
            _ => None,
        };
        if zwaarwegend.is_none() {
            problems.push(problem(Some(row), &id, "zwaarwegend is ja or nee"));
        }
        if let (Some(categorie), Some(zwaarwegend)) = (categorie, zwaarwegend) {
            indicators.push(MatrixIndicator {
                id: id.clone(),
                naam: Text {
                    nl: get("naam_nl"),
                    en: get("naam_en"),
                },
                toelichting: Text {
                    nl: get("toelichting_nl"),
                    en: get("toelichting_en"),
                },
                categorie,
                criteria: Criteria::from_scores(scores),
                zwaarwegend,
                combineren_met: list("combineren_met"),
                bronnen: list("bronnen"),
                dashboard: get("dashboard"),
            });
            numbers.push(row);
        }
    }
    if problems.is_empty() {
        Ok((indicators, numbers))
    } else {
        Err(problems)
    }
}

/// Reads a matrix file. CSV and XLSX carry the indicators only: the phenomenon's texts and own
/// sources are taken from `base` (the version it replaces). The result is checked against the
/// catalogue's sources; every problem is named by row.
pub fn read_matrix(
    bytes: &[u8],
    format: MatrixFormat,
    base: &MatrixDocument,
    catalogue: &[Source],
) -> Result<MatrixDocument, Vec<RowProblem>> {
    if bytes.len() > MAX_MATRIX_BYTES {
        return Err(vec![problem(
            None,
            "",
            format!(
                "the file is larger than {} MB",
                MAX_MATRIX_BYTES / (1024 * 1024)
            ),
        )]);
    }
    let (document, rows) = match format {
        MatrixFormat::Json => {
            let doc: MatrixDocument = serde_json::from_slice(bytes)
                .map_err(|e| vec![problem(Some(e.line()), "", format!("JSON: {e}"))])?;
            if doc.phenomenon.id != base.phenomenon.id {
                return Err(vec![problem(
                    None,
                    "",
                    format!(
                        "this file holds the matrix of {:?}, not of {:?}",
                        doc.phenomenon.id, base.phenomenon.id
                    ),
                )]);
            }
            (doc, Vec::new())
        }
        MatrixFormat::Csv => {
            let (text, _) = crate::text::decode(bytes);
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(crate::text::detect_delimiter(&text))
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            let mut rows = Vec::new();
            for record in reader.records() {
                let record =
                    record.map_err(|e| vec![problem(None, "", format!("unreadable CSV: {e}"))])?;
                let line = record.position().map_or(0, |p| p.line() as usize);
                rows.push((line, record.iter().map(str::to_owned).collect()));
            }
            let (indicators, numbers) = from_rows(rows)?;
            (with_indicators(base, indicators), numbers)
        }
        MatrixFormat::Xlsx => {
            use calamine::Reader;
            crate::xlsx::check_unpacked_size(std::io::Cursor::new(bytes))
                .map_err(|e| vec![problem(None, "", e)])?;
            let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec()))
                .map_err(|e| vec![problem(None, "", format!("unreadable XLSX: {e}"))])?;
            let range = book
                .worksheet_range_at(0)
                .ok_or_else(|| vec![problem(None, "", "the workbook has no sheet")])?
                .map_err(|e| vec![problem(None, "", format!("unreadable XLSX: {e}"))])?;
            let first = range.start().map_or(0, |(r, _)| r as usize);
            let rows = range
                .rows()
                .enumerate()
                .map(|(n, r)| (first + n + 1, r.iter().map(|c| c.to_string()).collect()))
                .collect();
            let (indicators, numbers) = from_rows(rows)?;
            (with_indicators(base, indicators), numbers)
        }
    };
    let problems = document.problems(catalogue, &rows);
    if problems.is_empty() {
        Ok(document)
    } else {
        Err(problems)
    }
}

fn with_indicators(base: &MatrixDocument, indicators: Vec<MatrixIndicator>) -> MatrixDocument {
    MatrixDocument {
        phenomenon: Phenomenon {
            indicatoren: indicators,
            ..base.phenomenon.clone()
        },
        own_sources: base.own_sources.clone(),
    }
}
