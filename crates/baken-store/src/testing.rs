//! Test support (feature `testing`): a fresh database per test on the backend chosen by
//! `BAKEN_TEST_DATABASE_URL` (a PostgreSQL server URL; unset means a SQLite file), and raw SQL
//! access for tests that play a database administrator who tampers with rows.

use baken_domain::audit::AuditKey;
use rand::RngExt;

use crate::{Store, StoreError};

/// The environment variable that points the tests at a PostgreSQL server.
pub const TEST_DATABASE_ENV: &str = "BAKEN_TEST_DATABASE_URL";

/// A database made for one test, and how to reach it.
pub struct TestDatabase {
    pub url: String,
    pub store: Store,
}

/// A fixed audit key for tests.
pub fn test_audit_key() -> AuditKey {
    AuditKey::new(b"baken-test-audit-key-0123456789abcdef".to_vec()).expect("long enough")
}

/// A fixed data key for tests.
pub fn test_data_key() -> crate::DataKey {
    crate::DataKey::new(b"baken-test-data-key-0123456789abcdef").expect("long enough")
}

impl TestDatabase {
    /// Creates and migrates a fresh database: a new PostgreSQL database on the server named by
    /// [`TEST_DATABASE_ENV`], or a new SQLite file in the temporary directory.
    pub async fn create() -> Result<Self, StoreError> {
        let suffix: u64 = rand::rng().random();
        let url = match std::env::var(TEST_DATABASE_ENV) {
            Ok(server) if server.starts_with("postgres") => {
                let name = format!("baken_test_{suffix:016x}");
                let admin = Store::connect(&server, test_audit_key()).await?;
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&admin.db.pool)
                    .await?;
                admin.close().await;
                let mut parsed = url::Url::parse(&server)
                    .map_err(|e| StoreError::Internal(format!("{TEST_DATABASE_ENV}: {e}")))?;
                parsed.set_path(&name);
                parsed.to_string()
            }
            _ => {
                let path = std::env::temp_dir().join(format!("baken-test-{suffix:016x}.db"));
                format!("sqlite://{}", path.display())
            }
        };
        let store = Store::connect(&url, test_audit_key())
            .await?
            .with_data_key(test_data_key());
        store.migrate().await?;
        Ok(Self { url, store })
    }
}

impl Store {
    /// Runs raw SQL, bypassing every rule of the store (tests only).
    pub async fn execute_raw(&self, sql: &str) -> Result<u64, StoreError> {
        Ok(sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&self.db.pool)
            .await?
            .rows_affected())
    }

    /// A single integer from raw SQL (tests only).
    pub async fn query_i64(&self, sql: &str) -> Result<i64, StoreError> {
        use sqlx::Row;
        Ok(sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_one(&self.db.pool)
            .await?
            .try_get(0)?)
    }

    /// A single text from raw SQL (tests only).
    pub async fn query_text(&self, sql: &str) -> Result<String, StoreError> {
        use sqlx::Row;
        Ok(sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_one(&self.db.pool)
            .await?
            .try_get(0)?)
    }
}
