//! Baken's domain: the types and rules every other layer speaks.
//!
//! Nothing here does I/O. Identifiers with rules are newtypes with a parser ("parse, don't
//! validate"); business permissions are mapped from roles in one table; the audit chain's
//! hashing and verification live here so that the store and the CLI agree on them exactly.
//!
//! Read in this order: [`codes`], [`org`], [`auth`], [`audit`].

pub mod area;
pub mod audit;
pub mod auth;
pub mod codes;
pub mod crossborder;
pub mod dashboard;
pub mod dataset;
pub mod matrix;
pub mod org;
pub mod readiness;
pub mod sharing;
pub mod signal;
pub mod table;
