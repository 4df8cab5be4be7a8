//! Datasets and where they come from: published statistics, boundaries, the SBI tree, and the
//! provenance every import records.

use crate::area::{Area, AreaCode, Observation};

/// The boundary of an area in the division of a year, as a GeoJSON geometry (WGS84).
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    pub code: AreaCode,
    pub year: i32,
    pub geometry: String,
}

/// One code of the SBI 2008 tree (Standaard Bedrijfsindeling).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SbiCode {
    pub code: String,
    pub section: String,
    pub description: String,
    pub parent: Option<String>,
    pub level: i16,
    pub has_children: bool,
}

/// A published statistic: what it is and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dataset {
    pub code: String,
    pub title: String,
    pub source: String,
    pub licence: String,
}

/// Where a file came from and what it held: kept with every import and shown to users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    pub file_name: String,
    pub checksum: String,
    pub dataset: Option<String>,
    pub source: String,
    pub licence: String,
    pub rows_read: u64,
}

/// All reference data Baken ships, validated and ready to store.
#[derive(Debug, Clone)]
pub struct ReferenceBundle {
    pub areas: Vec<Area>,
    pub boundaries: Vec<Boundary>,
    pub sbi: Vec<SbiCode>,
    pub datasets: Vec<(Dataset, Vec<Observation>)>,
    pub files: Vec<Provenance>,
    /// One checksum over every file: the bundle's identity, so loading it twice changes nothing.
    pub checksum: String,
}
