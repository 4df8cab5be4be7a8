//! Indicator matrices (matrix): per phenomenon the indicators that signal it and the sources
//! (vindplaatsen) where the data for them lives; an organisation's inventory of which sources
//! it has and may use; and from that, coverage and gaps.
//!
//! Read in this order: [`catalogue`] (phenomena, indicators, sources, checked), [`inventory`]
//! (what an organisation has) and [`coverage`] (what that lets it know, and what it lacks).

pub mod catalogue;
pub mod coverage;
pub mod document;
pub mod inventory;

pub use catalogue::{
    Access, Category, Criteria, Matrices, MatrixError, MatrixIndicator, Phenomenon, Source,
};
pub use coverage::{Coverage, Gap, coverage, gaps, heat_map};
pub use document::{MatrixDiff, MatrixDocument, RowProblem, diff};
pub use inventory::{EntryProblem, InventoryAccess, InventoryEntry};
