//! The store's one error type.

use baken_domain::auth::{PasswordProblem, Permission};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("unsupported database URL {0}: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("cannot connect to {0}: {1}")]
    Connect(String, String),
    #[error("migrating the database failed: {0}")]
    Migrate(String),
    #[error("not found")]
    NotFound,
    #[error("missing permission {0:?}")]
    Forbidden(Permission),
    #[error("{field} is already taken")]
    Conflict { field: &'static str },
    #[error("{field} is invalid: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("{} field(s) break a rule", .0.len())]
    Fields(Vec<baken_domain::signal::FieldError>),
    #[error("the password breaks {} rule(s)", .0.len())]
    WeakPassword(Vec<PasswordProblem>),
    #[error("unknown organisation {0:?}")]
    UnknownOrganisation(String),
    #[error("internal error: {0}")]
    Internal(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// Maps a unique-constraint violation on `column` to a [`StoreError::Conflict`].
    pub(crate) fn on_unique(err: sqlx::Error, field: &'static str) -> Self {
        if let sqlx::Error::Database(db) = &err
            && db.is_unique_violation()
        {
            return Self::Conflict { field };
        }
        Self::Database(err)
    }
}
