//! The connection to SQLite or PostgreSQL: choosing the backend from the URL, connection
//! settings, embedded migrations and transactions that behave alike on both.
//!
//! Queries are written once in the subset both databases understand (`$1` placeholders,
//! `RETURNING`, `ON CONFLICT`) and run through sqlx's `Any` driver; timestamps are Unix
//! milliseconds in integer columns, so no type is lost between the two.

use std::borrow::Cow;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{Any, AnyPool, Executor, SqlSafeStr, Transaction};

use crate::StoreError;

/// Which database Baken talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(redact_url(url)))
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// A URL with its password replaced, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        Err(_) => "(unparseable URL)".to_owned(),
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Db {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    /// The database file, for SQLite (bulk loads open their own connection to it).
    pub(crate) sqlite_path: Option<std::path::PathBuf>,
}

/// The migrations of one backend, in order; both folders hold the same versions.
macro_rules! migrations {
    ($backend:literal) => {
        &[
            (
                1,
                "platform",
                include_str!(concat!("../migrations/", $backend, "/0001_platform.sql")),
            ),
            (
                2,
                "reference",
                include_str!(concat!("../migrations/", $backend, "/0002_reference.sql")),
            ),
            (
                3,
                "org_tables",
                include_str!(concat!("../migrations/", $backend, "/0003_org_tables.sql")),
            ),
            (
                4,
                "jobs",
                include_str!(concat!("../migrations/", $backend, "/0004_jobs.sql")),
            ),
            (
                5,
                "own_indicators",
                include_str!(concat!(
                    "../migrations/",
                    $backend,
                    "/0005_own_indicators.sql"
                )),
            ),
            (
                6,
                "matrix",
                include_str!(concat!("../migrations/", $backend, "/0006_matrix.sql")),
            ),
            (
                7,
                "matrix_versions",
                include_str!(concat!(
                    "../migrations/",
                    $backend,
                    "/0007_matrix_versions.sql"
                )),
            ),
            (
                8,
                "readiness",
                include_str!(concat!("../migrations/", $backend, "/0008_readiness.sql")),
            ),
            (
                9,
                "signal",
                include_str!(concat!("../migrations/", $backend, "/0009_signal.sql")),
            ),
            (
                10,
                "crossborder",
                include_str!(concat!("../migrations/", $backend, "/0010_crossborder.sql")),
            ),
            (
                11,
                "sharing",
                include_str!(concat!("../migrations/", $backend, "/0011_sharing.sql")),
            ),
        ]
    };
}

const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = migrations!("sqlite");
const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = migrations!("postgres");

impl Db {
    pub(crate) async fn connect(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        if backend == Backend::Sqlite {
            ensure_sqlite_parent_dir(url)?;
        }
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)
            .map_err(|e| StoreError::Connect(redact_url(&url), e.to_string()))?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(15))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers work beside one writer; foreign keys are off by
                        // default in SQLite; the busy timeout makes a second writer wait.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        // Deleted content is overwritten, so destroyed signals leave no bytes.
                        conn.execute("PRAGMA secure_delete = ON").await?;
                    } else {
                        conn.execute("SET TIME ZONE 'UTC'").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Connect(redact_url(&url), e.to_string()))?;
        let sqlite_path = (backend == Backend::Sqlite)
            .then(|| sqlite_file(&url))
            .flatten();
        Ok(Self {
            pool,
            backend,
            sqlite_path,
        })
    }

    pub(crate) async fn migrate(&self) -> Result<(), StoreError> {
        let set = match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS,
            Backend::Postgres => POSTGRES_MIGRATIONS,
        };
        let migrations = set
            .iter()
            .map(|(version, description, sql)| {
                Migration::new(
                    *version,
                    Cow::Borrowed(*description),
                    MigrationType::Simple,
                    sqlx::AssertSqlSafe(*sql).into_sql_str(),
                    false,
                )
            })
            .collect();
        Migrator::with_migrations(migrations)
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Migrate(e.to_string()))
    }

    /// Starts a transaction that takes the write lock at once on SQLite (`BEGIN IMMEDIATE`),
    /// so two writers queue on the busy timeout instead of failing when a read turns into a write.
    pub(crate) async fn begin(&self) -> Result<Transaction<'static, Any>, StoreError> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(tx)
    }
}

/// The file of a `sqlite://PATH?…` URL (none for an in-memory database).
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
}

fn ensure_sqlite_parent_dir(url: &str) -> Result<(), StoreError> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|e| {
            StoreError::Connect(
                url.to_owned(),
                format!("cannot create {}: {e}", parent.display()),
            )
        })?;
    }
    Ok(())
}
