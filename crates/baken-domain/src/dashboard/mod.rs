//! Dashboards (zicht): indicators as data, the figures they give per area and year, how areas
//! compare fairly, and disclosure control so that no figure points at a person.
//!
//! Read in this order: [`indicator`] (what an indicator is), [`compute`] (its figures for one
//! year at every level), [`disclosure`] (what must stay hidden), [`compare`] (peers, ranks,
//! what stands out).

pub mod compare;
pub mod compute;
pub mod disclosure;
pub mod indicator;

pub use compare::{Comparison, PeerGroup, SizeBand, Standout};
pub use compute::{AreaFigure, Figure, IndicatorYear, Inputs, MunicipalityFacts};
pub use indicator::{Catalogue, CatalogueError, Concern, Indicator, Input, Origin, Theme, Unit};
