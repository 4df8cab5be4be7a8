//! Reading organisations' own tables from real and hand-made files.

use std::path::PathBuf;

use baken_domain::table::{Cell, CellRef, ColumnType};
use baken_import::rollup::{Rollup, RollupPlan};
use baken_import::table::{TableFile, convert, infer};

fn tmp(name: &str, bytes: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("baken-table-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The valid rows (with their numbers) and every problem, read the way imports read: in
/// batches (of two rows here, so that batches fill and a last partial one is delivered).
fn read_valid(
    file: &TableFile,
    inf: &baken_import::table::Inference,
) -> (Vec<(u64, Vec<Cell>)>, Vec<baken_import::RowError>) {
    let mut valid = Vec::new();
    let mut problems = Vec::new();
    let read = file
        .read_valid(
            &inf.columns,
            inf.decimal_comma,
            2,
            |batch| {
                assert!(batch.len() <= 2);
                valid.extend(batch.rows().map(|r| {
                    (
                        r.number(),
                        r.cells().map(CellRef::to_owned_cell).collect::<Vec<_>>(),
                    )
                }));
                std::ops::ControlFlow::Continue(())
            },
            |errors| problems.extend(errors),
        )
        .unwrap();
    assert_eq!(read as usize, file.rows().unwrap().count());
    (valid, problems)
}

/// Every row, valid, checked to read the same in batches as one by one.
fn all_rows(file: &TableFile, inf: &baken_import::table::Inference) -> Vec<Vec<Cell>> {
    let one_by_one: Vec<(u64, Vec<Cell>)> = file
        .rows()
        .unwrap()
        .map(|r| {
            let (row, cells) = r.unwrap();
            (
                row,
                convert(row, cells, &inf.columns, inf.decimal_comma).unwrap(),
            )
        })
        .collect();
    let (batched, problems) = read_valid(file, inf);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(batched, one_by_one);
    one_by_one.into_iter().map(|(_, cells)| cells).collect()
}

#[test]
fn a_dutch_excel_csv_in_windows_1252_with_decimal_commas() {
    let text = "gemeente;datum;omschrijving;bedrag;aantal;controle\r\nGM0855;03-01-2024;Café \"De Ëik\";1.234,50;3;ja\r\nGM0758;2024-02-29;\"regel één\r\nregel twee\";-12,5;1.200;nee\r\nGM0855;15-03-2023;coöperatie;0,75;;ja\r\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    let path = tmp("w1252.csv", &bytes);
    let file = TableFile::open(&path, None).unwrap();
    assert_eq!(file.format(), "CSV (Windows-1252, ;)");
    let inf = infer(&file, &[]).unwrap();
    assert_eq!((inf.estimated_rows, inf.complete), (3, true));
    assert!(inf.decimal_comma);
    let kinds: Vec<ColumnType> = inf.columns.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        vec![
            ColumnType::AreaCode,
            ColumnType::Date,
            ColumnType::Text,
            ColumnType::Decimal,
            ColumnType::Integer,
            ColumnType::Boolean
        ]
    );
    let rows = all_rows(&file, &inf);
    assert_eq!(rows[0][2], Cell::Text("Café \"De Ëik\"".into()));
    assert_eq!(rows[0][3], Cell::Decimal(1234.5));
    assert_eq!(rows[1][1], Cell::Date("2024-02-29".into()));
    assert_eq!(rows[1][2], Cell::Text("regel één\r\nregel twee".into()));
    assert_eq!(rows[1][4], Cell::Integer(1200));
    assert_eq!(rows[2][4], Cell::Null);
    std::fs::remove_file(path).ok();
}

#[test]
fn identifiers_with_leading_zeros_stay_text_and_a_bom_is_dropped() {
    let path = tmp(
        "bom.csv",
        "\u{feff}kvk,postcode,omzet\n01234567,5038 AB,1234.5\n12345678,5038AB,99\n".as_bytes(),
    );
    let file = TableFile::open(&path, None).unwrap();
    assert_eq!(file.headers[0], "kvk");
    let inf = infer(&file, &[]).unwrap();
    assert!(!inf.decimal_comma);
    assert_eq!(inf.columns[0].kind, ColumnType::Text);
    assert_eq!(inf.columns[2].kind, ColumnType::Decimal);
    assert_eq!(all_rows(&file, &inf)[0][2], Cell::Decimal(1234.5));
    std::fs::remove_file(path).ok();
}

#[test]
fn a_bad_cell_is_named_by_row_column_value_and_reason() {
    let path = tmp(
        "bad.csv",
        b"gemeente;datum;bedrag\nGM0855;2024-01-01;10\nGM0855;2024-01-02;tien\nGM9;2024-01-03;3\n",
    );
    let file = TableFile::open(&path, None).unwrap();
    let overrides = vec![
        ("bedrag".to_owned(), ColumnType::Integer),
        ("gemeente".to_owned(), ColumnType::AreaCode),
    ];
    let inf = infer(&file, &overrides).unwrap();
    let errors: Vec<_> = file
        .rows()
        .unwrap()
        .filter_map(|r| {
            let (row, cells) = r.unwrap();
            convert(row, cells, &inf.columns, inf.decimal_comma).err()
        })
        .flatten()
        .collect();
    assert_eq!(errors.len(), 2);
    assert_eq!(
        (
            errors[0].row,
            errors[0].column.as_str(),
            errors[0].value.as_str()
        ),
        (3, "bedrag", "tien")
    );
    assert_eq!((errors[1].row, errors[1].column.as_str()), (4, "gemeente"));
    assert!(errors[1].reason.contains("municipality code"));
    // Read in batches, as imports do: the same problems, and only the good row kept.
    let (valid, batched_errors) = read_valid(&file, &inf);
    assert_eq!(batched_errors, errors);
    assert_eq!(
        valid.iter().map(|(row, _)| *row).collect::<Vec<_>>(),
        vec![2]
    );
    assert!(infer(&file, &[("bestaat-niet".into(), ColumnType::Text)]).is_err());
    std::fs::remove_file(path).ok();
}

#[test]
fn a_huge_field_is_refused() {
    let long = "x".repeat(baken_import::table::MAX_FIELD_CHARS + 1);
    let path = tmp("huge.csv", format!("a;b\n1;{long}\n").as_bytes());
    let file = TableFile::open(&path, None).unwrap();
    let inf = infer(&file, &[]).unwrap();
    let (row, cells) = file.rows().unwrap().next().unwrap().unwrap();
    let err = convert(row, cells, &inf.columns, inf.decimal_comma).unwrap_err();
    assert!(err[0].reason.contains("longer than"));
    std::fs::remove_file(path).ok();
}

#[test]
fn an_xlsx_workbook_reads_typed_cells_from_a_named_sheet() {
    let path = std::env::temp_dir().join(format!("baken-table-{}.xlsx", std::process::id()));
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet()
        .set_name("Toelichting")
        .unwrap()
        .write(0, 0, "lees mij")
        .unwrap();
    let sheet = book.add_worksheet().set_name("Data").unwrap();
    for (c, h) in ["gemeente", "datum", "soort", "bedrag"].iter().enumerate() {
        sheet.write(0, c as u16, *h).unwrap();
    }
    let date_format = rust_xlsxwriter::Format::new().set_num_format("dd-mm-yyyy");
    let rows = [
        ("GM0855", 45292.0, "hennep", 1234.5),
        ("GM0758", 45351.0, "lab", 10.0),
        ("GM0855", 45000.0, "hennep", 3.0),
    ];
    for (r, (gm, serial, soort, bedrag)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write(r, 0, *gm).unwrap();
        sheet
            .write_number_with_format(r, 1, *serial, &date_format)
            .unwrap();
        sheet.write(r, 2, *soort).unwrap();
        sheet.write(r, 3, *bedrag).unwrap();
    }
    book.save(&path).unwrap();
    assert!(TableFile::open(&path, Some("Ontbreekt")).is_err());
    let file = TableFile::open(&path, Some("Data")).unwrap();
    assert_eq!(file.format(), "XLSX");
    let inf = infer(&file, &[]).unwrap();
    let kinds: Vec<ColumnType> = inf.columns.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        vec![
            ColumnType::AreaCode,
            ColumnType::Date,
            ColumnType::Text,
            ColumnType::Decimal
        ]
    );
    let data = all_rows(&file, &inf);
    assert_eq!(data[0][1], Cell::Date("2024-01-01".into()));
    assert_eq!(data[0][3], Cell::Decimal(1234.5));

    // Rolled up per municipality and year, by kind.
    let plan = RollupPlan::new(&inf.columns, &inf.categories).expect("area and date columns");
    let mut rollup = Rollup::new(plan);
    for row in &data {
        rollup.add(row.as_slice());
    }
    let obs = rollup.observations();
    let find = |area: &str, year: &str, measure: &str, cat: &str| {
        obs.iter()
            .find(|o| {
                o.area.as_str() == area
                    && o.period == year
                    && o.measure == measure
                    && o.category == cat
            })
            .and_then(|o| o.value)
    };
    assert_eq!(find("GM0855", "2024", "aantal", ""), Some(1.0));
    assert_eq!(find("GM0855", "2023", "aantal", "soort: hennep"), Some(1.0));
    assert_eq!(find("GM0758", "2024", "som bedrag", ""), Some(10.0));
    std::fs::remove_file(path).ok();
}
