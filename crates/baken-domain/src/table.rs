//! An organisation's own tables: typed columns and typed cells, whatever file they came from.

use std::fmt;

/// The type of a column, as users choose it (Dutch codes) and as it is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ColumnType {
    Integer,
    Decimal,
    Date,
    Boolean,
    /// A CBS municipality code (`GM0855`).
    AreaCode,
    Text,
}

impl ColumnType {
    pub const ALL: [ColumnType; 6] = [
        Self::Integer,
        Self::Decimal,
        Self::Date,
        Self::Boolean,
        Self::AreaCode,
        Self::Text,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Integer => "geheel-getal",
            Self::Decimal => "decimaal",
            Self::Date => "datum",
            Self::Boolean => "ja-nee",
            Self::AreaCode => "gemeentecode",
            Self::Text => "tekst",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code.trim())
    }
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A validated cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Integer(i64),
    Decimal(f64),
    /// ISO date, `YYYY-MM-DD`.
    Date(String),
    Boolean(bool),
    Text(String),
}

/// A validated cell, borrowed: what a [`RowBatch`] hands out without copying.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellRef<'a> {
    Null,
    Integer(i64),
    Decimal(f64),
    /// ISO date, `YYYY-MM-DD`.
    Date(&'a str),
    Boolean(bool),
    Text(&'a str),
}

impl Cell {
    pub fn as_ref(&self) -> CellRef<'_> {
        match self {
            Self::Null => CellRef::Null,
            Self::Integer(i) => CellRef::Integer(*i),
            Self::Decimal(d) => CellRef::Decimal(*d),
            Self::Date(d) => CellRef::Date(d),
            Self::Boolean(b) => CellRef::Boolean(*b),
            Self::Text(t) => CellRef::Text(t),
        }
    }
}

impl CellRef<'_> {
    pub fn to_owned_cell(self) -> Cell {
        match self {
            Self::Null => Cell::Null,
            Self::Integer(i) => Cell::Integer(i),
            Self::Decimal(d) => Cell::Decimal(d),
            Self::Date(d) => Cell::Date(d.to_owned()),
            Self::Boolean(b) => Cell::Boolean(b),
            Self::Text(t) => Cell::Text(t.to_owned()),
        }
    }
}

/// A row of validated cells, however it is held.
pub trait Cells {
    fn cell(&self, column: usize) -> Option<CellRef<'_>>;
}

impl Cells for [Cell] {
    fn cell(&self, column: usize) -> Option<CellRef<'_>> {
        self.get(column).map(Cell::as_ref)
    }
}

/// A cell in a [`RowBatch`]: text lives in the batch's one buffer.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    Null,
    Integer(i64),
    Decimal(f64),
    Boolean(bool),
    Date(u32, u32),
    Text(u32, u32),
}

/// Validated rows of one width in three allocations (row numbers, cells, text), however many
/// rows and cells: rows move between threads as one value and are freed as one.
#[derive(Debug, Clone, Default)]
pub struct RowBatch {
    width: usize,
    row_numbers: Vec<u64>,
    slots: Vec<Slot>,
    text: String,
    /// Where the row being written started, to take it back.
    open: Option<(usize, usize)>,
}

impl RowBatch {
    pub fn new(width: usize, rows: usize) -> Self {
        Self {
            width,
            row_numbers: Vec::with_capacity(rows),
            slots: Vec::with_capacity(rows * width),
            text: String::with_capacity(rows * width * 8),
            open: None,
        }
    }

    pub fn width(&self) -> usize {
        self.width
    }

    /// Complete rows.
    pub fn len(&self) -> usize {
        self.row_numbers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.row_numbers.is_empty()
    }

    /// Starts a row; its cells follow with [`RowBatch::push`], then [`RowBatch::end_row`] or
    /// [`RowBatch::abandon_row`].
    pub fn begin_row(&mut self) {
        self.abandon_row();
        self.open = Some((self.slots.len(), self.text.len()));
    }

    pub fn push(&mut self, cell: CellRef<'_>) {
        let slot = match cell {
            CellRef::Null => Slot::Null,
            CellRef::Integer(i) => Slot::Integer(i),
            CellRef::Decimal(d) => Slot::Decimal(d),
            CellRef::Boolean(b) => Slot::Boolean(b),
            CellRef::Date(s) => {
                let (at, len) = self.store_text(s);
                Slot::Date(at, len)
            }
            CellRef::Text(s) => {
                let (at, len) = self.store_text(s);
                Slot::Text(at, len)
            }
        };
        self.slots.push(slot);
    }

    fn store_text(&mut self, s: &str) -> (u32, u32) {
        let at = self.text.len();
        self.text.push_str(s);
        // A batch holds far less than 4 GB of text; should one not, the cell reads as empty
        // rather than as another cell's text.
        match (u32::try_from(at), u32::try_from(s.len())) {
            (Ok(at), Ok(len)) => (at, len),
            _ => (0, 0),
        }
    }

    /// Completes the row begun last. Returns false (and takes the row back) when it does not
    /// have exactly [`RowBatch::width`] cells.
    pub fn end_row(&mut self, row_number: u64) -> bool {
        let Some((slots, _)) = self.open else {
            return false;
        };
        if self.slots.len() - slots != self.width {
            self.abandon_row();
            return false;
        }
        self.open = None;
        self.row_numbers.push(row_number);
        true
    }

    /// Takes back the cells of a row begun but not ended.
    pub fn abandon_row(&mut self) {
        if let Some((slots, text)) = self.open.take() {
            self.slots.truncate(slots);
            self.text.truncate(text);
        }
    }

    fn cell_of(&self, slot: Slot) -> CellRef<'_> {
        let text = |at: u32, len: u32| {
            self.text
                .get(at as usize..at as usize + len as usize)
                .unwrap_or_default()
        };
        match slot {
            Slot::Null => CellRef::Null,
            Slot::Integer(i) => CellRef::Integer(i),
            Slot::Decimal(d) => CellRef::Decimal(d),
            Slot::Boolean(b) => CellRef::Boolean(b),
            Slot::Date(at, len) => CellRef::Date(text(at, len)),
            Slot::Text(at, len) => CellRef::Text(text(at, len)),
        }
    }

    /// The complete rows, in order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = BatchRow<'_>> + '_ {
        (0..self.len()).map(move |i| BatchRow {
            batch: self,
            index: i,
        })
    }

    pub fn row(&self, index: usize) -> Option<BatchRow<'_>> {
        (index < self.len()).then_some(BatchRow { batch: self, index })
    }
}

/// One complete row of a [`RowBatch`].
#[derive(Debug, Clone, Copy)]
pub struct BatchRow<'a> {
    batch: &'a RowBatch,
    index: usize,
}

impl<'a> BatchRow<'a> {
    pub fn number(&self) -> u64 {
        self.batch.row_numbers[self.index]
    }

    pub fn cells(&self) -> impl ExactSizeIterator<Item = CellRef<'a>> + 'a {
        let batch = self.batch;
        let start = self.index * batch.width;
        batch.slots[start..start + batch.width]
            .iter()
            .map(move |s| batch.cell_of(*s))
    }
}

impl Cells for BatchRow<'_> {
    fn cell(&self, column: usize) -> Option<CellRef<'_>> {
        (column < self.batch.width).then(|| {
            self.batch
                .cell_of(self.batch.slots[self.index * self.batch.width + column])
        })
    }
}

/// A column of an organisation's table: the header as written, a safe storage key, its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub header: String,
    pub key: String,
    pub kind: ColumnType,
}

/// A storage key for a header: `c_` and lowercase letters, digits and underscores, unique
/// within the table (`Omzet (€)` → `c_omzet`).
pub fn column_key(header: &str, taken: &[String]) -> String {
    let mut key = String::from("c_");
    for c in header.to_lowercase().chars() {
        let c = match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ï' | 'î' => 'i',
            'ó' | 'ö' | 'ô' => 'o',
            'ú' | 'ü' | 'û' => 'u',
            other => other,
        };
        if c.is_ascii_alphanumeric() {
            key.push(c);
        } else if !key.ends_with('_') {
            key.push('_');
        }
    }
    let mut key: String = key.trim_end_matches('_').chars().take(48).collect();
    if key == "c" {
        key = "c_kolom".to_owned();
    }
    let base = key.clone();
    let mut n = 2;
    while taken.contains(&key) {
        key = format!("{base}_{n}");
        n += 1;
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_safe_and_unique() {
        let mut taken = Vec::new();
        for header in [
            "Omzet (€)",
            "omzet",
            "Coördinatie",
            "",
            "'; DROP TABLE users; --",
        ] {
            let key = column_key(header, &taken);
            assert!(
                key.starts_with("c_")
                    && key
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{key}"
            );
            taken.push(key);
        }
        assert_eq!(
            taken,
            vec![
                "c_omzet",
                "c_omzet_2",
                "c_coordinatie",
                "c_kolom",
                "c_drop_table_users"
            ]
        );
    }

    #[test]
    fn type_codes_round_trip() {
        for t in ColumnType::ALL {
            assert_eq!(ColumnType::from_code(t.code()), Some(t));
        }
    }

    fn cell_strategy() -> impl proptest::strategy::Strategy<Value = Cell> {
        use proptest::prelude::*;
        prop_oneof![
            Just(Cell::Null),
            any::<i64>().prop_map(Cell::Integer),
            (-1e12f64..1e12).prop_map(Cell::Decimal),
            any::<bool>().prop_map(Cell::Boolean),
            "[0-9]{4}-[0-9]{2}-[0-9]{2}".prop_map(Cell::Date),
            "\\PC{0,12}".prop_map(Cell::Text),
        ]
    }

    proptest::proptest! {
        /// Whatever rows go in come out the same, and an abandoned or short row leaves no trace.
        #[test]
        fn batches_hand_back_what_was_pushed(
            rows in proptest::collection::vec(proptest::collection::vec(cell_strategy(), 3), 0..20),
            junk in proptest::collection::vec(cell_strategy(), 0..3),
        ) {
            let mut batch = RowBatch::new(3, 4);
            for (i, row) in rows.iter().enumerate() {
                batch.begin_row();
                for cell in &junk {
                    batch.push(cell.as_ref());
                }
                // Too few cells: refused and taken back.
                proptest::prop_assert!(!batch.end_row(0));
                batch.begin_row();
                for cell in row {
                    batch.push(cell.as_ref());
                }
                proptest::prop_assert!(batch.end_row(i as u64 + 2));
            }
            proptest::prop_assert_eq!(batch.len(), rows.len());
            for (got, want) in batch.rows().zip(&rows) {
                let cells: Vec<Cell> = got.cells().map(CellRef::to_owned_cell).collect();
                proptest::prop_assert_eq!(&cells, want);
                proptest::prop_assert_eq!(got.cell(1), Some(want[1].as_ref()));
                proptest::prop_assert_eq!(got.cell(3), None);
            }
        }
    }
}
