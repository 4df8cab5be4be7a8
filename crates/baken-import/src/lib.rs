//! Reading files into Baken's domain types: the reference data shipped with Baken (areas,
//! boundaries, the SBI tree, public statistics), with row-level errors that name the file, the
//! row, the column, the value and why.
//!
//! Nothing here touches the database: readers produce validated values, and the store writes
//! them all or nothing.

pub mod error;
pub mod reference;
pub mod rollup;
pub mod statline;
pub mod synthetic;
pub mod table;
pub mod text;

pub use error::{ImportError, RowError};

/// SHA-256 of a file's bytes, hex: the identity of an import (re-importing it changes nothing).
pub fn checksum(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}
