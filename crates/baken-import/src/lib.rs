//! Reading files into Baken's domain types: the reference data shipped with Baken (areas,
//! boundaries, the SBI tree, public statistics), with row-level errors that name the file, the
//! row, the column, the value and why.
//!
//! Nothing here touches the database: readers produce validated values, and the store writes
//! them all or nothing.

pub mod attachment;
pub mod boundary;
pub mod crossborder;
pub mod dashboard;
pub mod error;
pub mod matrix;
pub mod readiness;
pub mod reference;
pub mod rollup;
pub mod sector;
pub mod signal;
pub mod statline;
pub mod synthetic;
pub mod table;
pub mod text;
pub mod xlsx;

pub use error::{ImportError, RowError};

/// SHA-256 over bytes fed in pieces, for files too large to hold.
#[derive(Default)]
pub struct StreamingChecksum(sha2::Sha256);

impl StreamingChecksum {
    pub fn update(&mut self, bytes: &[u8]) {
        use sha2::Digest;
        self.0.update(bytes);
    }

    pub fn finish(self) -> String {
        use sha2::Digest;
        hex::encode(self.0.finalize())
    }
}

/// SHA-256 of a file's bytes, hex: the identity of an import (re-importing it changes nothing).
pub fn checksum(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}
