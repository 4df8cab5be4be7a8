//! Errors of reading files: one per problem row, collected, never the first only.

use std::fmt;

use thiserror::Error;

/// A problem in one row: where, what and why. Rows are numbered as a spreadsheet shows them
/// (the header is row 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: u64,
    pub column: String,
    pub value: String,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value: String = self.value.chars().take(60).collect();
        write!(
            f,
            "row {}, column {}: {:?} — {}",
            self.row, self.column, value, self.reason
        )
    }
}

#[derive(Debug, Error)]
pub enum ImportError {
    #[error("{file}: {} problem row(s); first: {}", .errors.len(), .errors.first().map(ToString::to_string).unwrap_or_default())]
    Rows { file: String, errors: Vec<RowError> },
    #[error("{file}: cannot be read as CSV: {reason}")]
    Csv { file: String, reason: String },
    #[error("{file}: cannot be read as GeoJSON: {reason}")]
    Json { file: String, reason: String },
    #[error("{file}: expected {expected} rows, found {found}")]
    Count {
        file: String,
        expected: usize,
        found: usize,
    },
}
