//! Sharing between organisations: covenants, what one item shared in a case must pass, private
//! hit/no-hit between organisations, and the signed, encrypted packages that travel between
//! installations.

pub mod covenant;
pub mod identifier;
pub mod package;
pub mod psi;
pub mod share;

pub use covenant::{CovenantDraft, CovenantStatus, DataCategory, NewCovenant, PartyDraft, Purpose};
pub use identifier::{IdentifierKind, IdentifierList, read_list};
pub use share::{
    CovenantTerms, Distribution, NewShare, ShareChecks, ShareDraft, ShareRefusal, check_share,
};
