//! Tables as files: CSV (UTF-8 with a byte-order mark and `;`, as Dutch Excel opens it) and
//! XLSX, each with the stamp (filters, data date, sources and licences) above the header.

use crate::RenderError;

/// A CSV file: the stamp lines, an empty line, the header and the rows.
pub fn csv(stamp: &[String], header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = ::csv::WriterBuilder::new()
            .delimiter(b';')
            .flexible(true)
            .from_writer(&mut out);
        // Writing to a Vec cannot fail.
        for line in stamp {
            let _ = w.write_record([line]);
        }
        let _ = w.flush();
    }
    // An empty line between the stamp and the table (a record of one empty field would be
    // written as `""`).
    out.push(b'\n');
    {
        let mut w = ::csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(&mut out);
        let _ = w.write_record(header);
        for row in rows {
            let _ = w.write_record(row);
        }
        let _ = w.flush();
    }
    out
}

/// An XLSX workbook with one sheet: the stamp, the header in bold, and the rows; cells that
/// are numbers (written the Dutch way or not) become numbers.
pub fn xlsx(
    stamp: &[String],
    header: &[String],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, RenderError> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| RenderError::Export(e.to_string());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    let mut r: u32 = 0;
    for line in stamp {
        sheet.write_string(r, 0, line).map_err(err)?;
        r += 1;
    }
    r += 1;
    for (c, h) in header.iter().enumerate() {
        sheet
            .write_string_with_format(r, col(c)?, h, &bold)
            .map_err(err)?;
    }
    for row in rows {
        r += 1;
        for (c, cell) in row.iter().enumerate() {
            match dutch_number(cell) {
                Some(n) => sheet.write_number(r, col(c)?, n).map_err(err)?,
                None => sheet.write_string(r, col(c)?, cell).map_err(err)?,
            };
        }
    }
    book.save_to_buffer().map_err(err)
}

fn col(c: usize) -> Result<u16, RenderError> {
    u16::try_from(c).map_err(|_| RenderError::Export("too many columns".into()))
}

/// "1.234,5" → 1234.5; "GM0855", "< 10" and "–" stay text.
fn dutch_number(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b',' | b'-'))
    {
        return None;
    }
    if t.contains(',') {
        t.replace('.', "").replace(',', ".").parse().ok()
    } else if t.matches('.').count() > 1 || t.split('.').nth(1).is_some_and(|d| d.len() == 3) {
        // "1.234" is a thousand and more in Dutch, not one and a bit.
        t.replace('.', "").parse().ok()
    } else {
        t.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_stamps_above_the_header_and_quotes_what_needs_it() {
        let out = csv(
            &["Bron: CBS, CC-BY 4.0".into()],
            &["code".into(), "waarde".into()],
            &[
                vec!["GM0855".into(), "1.234,5".into()],
                vec!["GM0363".into(), "< 10".into()],
            ],
        );
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("\u{feff}Bron: CBS, CC-BY 4.0\n\ncode;waarde\n"),
            "{text:?}"
        );
        assert!(text.contains("\ncode;waarde\nGM0855;1.234,5\nGM0363;< 10\n"));
    }

    #[test]
    fn xlsx_is_a_workbook_with_numbers_as_numbers() {
        let bytes = xlsx(
            &["Bron: CBS".into()],
            &["code".into(), "waarde".into()],
            &[vec!["GM0855".into(), "1.234,5".into()]],
        )
        .unwrap();
        assert_eq!(&bytes[..2], b"PK");
        assert_eq!(dutch_number("1.234,5"), Some(1234.5));
        assert_eq!(dutch_number("12,0"), Some(12.0));
        assert_eq!(dutch_number("1.234"), Some(1234.0));
        assert_eq!(dutch_number("GM0855"), None);
        assert_eq!(dutch_number("< 10"), None);
    }
}
