//! Baken's store: the only place that knows SQL, and the only place that writes the audit chain.
//!
//! One [`Store`] serves SQLite (the embedded default) and PostgreSQL (production) with the same
//! behaviour. Tenant data is reached only through functions that take the acting user
//! ([`Actor`]), which cannot be made outside this crate except by authenticating; every write,
//! every read of personal data and every refusal is written to the audit chain in the same
//! transaction as what it records.
//!
//! Modules follow the platform's capabilities: [`org`] (organisations and users), [`auth`]
//! (passwords, sessions, tokens, second factor, throttling), [`audit`] (the chain), [`demo`].

pub mod area;
pub mod audit;
pub mod auth;
pub mod crossborder;
pub mod dashboard;
pub mod dataset;
mod db;
pub mod demo;
mod error;
pub mod job;
pub mod matrix;
pub mod org;
pub mod readiness;
mod seal;
pub mod sharing;
pub mod signal;
mod sql;
pub mod table;
#[cfg(feature = "testing")]
pub mod testing;

use baken_domain::audit::AuditKey;

pub use db::{Backend, redact_url};
pub use error::StoreError;
pub use org::{Actor, Operator};
pub use seal::{DataKey, DataKeyTooShort};

/// A page of a collection: 1-based page number and page size (at most [`Page::MAX_SIZE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: u32,
    pub size: u32,
}

impl Page {
    pub const MAX_SIZE: u32 = 100;

    pub fn new(number: u32, size: u32) -> Self {
        Self {
            number: number.max(1),
            size: size.clamp(1, Self::MAX_SIZE),
        }
    }

    /// The number of items before this page.
    pub fn offset_u64(self) -> u64 {
        u64::from(self.number - 1) * u64::from(self.size)
    }

    pub(crate) fn offset(self) -> i64 {
        i64::from(self.number - 1) * i64::from(self.size)
    }

    pub(crate) fn limit(self) -> i64 {
        i64::from(self.size)
    }
}

impl Default for Page {
    fn default() -> Self {
        Self::new(1, 25)
    }
}

/// One page of results with the total count, for pagination links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub page: Page,
    pub total: i64,
}

impl<T> Paged<T> {
    pub fn page_count(&self) -> u32 {
        let size = i64::from(self.page.size);
        u32::try_from((self.total + size - 1) / size)
            .unwrap_or(u32::MAX)
            .max(1)
    }
}

/// Baken's persistence. Cheap to clone: it holds a connection pool.
#[derive(Clone)]
pub struct Store {
    db: db::Db,
    audit_key: AuditKey,
    data_key: Option<DataKey>,
    settings: auth::AuthSettings,
}

impl Store {
    /// Connects to `sqlite://PATH` or `postgres://…`. Does not migrate; call [`Store::migrate`].
    pub async fn connect(url: &str, audit_key: AuditKey) -> Result<Self, StoreError> {
        let db = db::Db::connect(url).await?;
        Ok(Self {
            db,
            audit_key,
            data_key: None,
            settings: auth::AuthSettings::default(),
        })
    }

    /// Sets the key that seals personal data and makes pseudonyms (kept outside the database).
    pub fn with_data_key(mut self, key: DataKey) -> Self {
        self.data_key = Some(key);
        self
    }

    pub(crate) fn data_key(&self) -> Result<&DataKey, StoreError> {
        self.data_key.as_ref().ok_or_else(|| {
            StoreError::Internal("no data key is configured for personal data".into())
        })
    }

    /// Replaces the authentication settings (timeouts, lockout thresholds).
    pub fn with_auth_settings(mut self, settings: auth::AuthSettings) -> Self {
        self.settings = settings;
        self
    }

    pub fn auth_settings(&self) -> &auth::AuthSettings {
        &self.settings
    }

    /// Applies the embedded migrations of this backend.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.db.migrate().await
    }

    pub fn backend(&self) -> Backend {
        self.db.backend
    }

    /// True when the database answers a trivial query (for `/readyz`).
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.db.pool).await.is_ok()
    }

    pub async fn close(&self) {
        self.db.pool.close().await;
    }
}

/// The current time in Unix milliseconds (UTC).
pub(crate) fn now_ms() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(now.as_millis()).unwrap_or(i64::MAX)
}
