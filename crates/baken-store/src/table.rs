//! Organisations' own tables: one typed database table per dataset, stored all or nothing,
//! with the rollups dashboards read stored beside it.
//!
//! On PostgreSQL everything happens in one transaction of the shared pool. On SQLite the rows
//! go to a writer thread with its own connection and one prepared statement, into a staging
//! table that nobody can see until [`TableImport::finish`] registers it in `org_tables` in the
//! transaction that also writes the rollups, the provenance and the audit record; an import
//! that fails or is dropped rolls the staging table back with its rows.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use baken_domain::area::Observation;
use baken_domain::auth::Permission;
use baken_domain::dataset::{Dataset, Provenance};
use baken_domain::table::{CellRef, Column, ColumnType, RowBatch};
use rand::RngExt;
use serde_json::json;
use sqlx::{Any, AnyConnection, Row, Transaction};

use crate::audit::{Entry, Who, append};
use crate::dataset::Importer;
use crate::sql::{Bind, insert_batched, upsert_observations};
use crate::{Backend, Store, StoreError, now_ms};

enum Sink {
    /// PostgreSQL: the rows in the same transaction as everything else.
    Shared {
        tx: Transaction<'static, Any>,
        buffer: Vec<Vec<Bind>>,
    },
    /// SQLite: the rows to a writer thread with its own connection.
    Writer {
        sender: Option<tokio::sync::mpsc::Sender<RowBatch>>,
        commit: Arc<AtomicBool>,
        writer: Option<std::thread::JoinHandle<Result<u64, String>>>,
    },
}

/// A table import under way. Dropping it without [`TableImport::finish`] rolls everything back.
pub struct TableImport {
    sink: Sink,
    meta: Meta,
}

/// What a table import knows besides its rows.
struct Meta {
    store: Store,
    table: String,
    columns: Vec<Column>,
    rows: u64,
    dataset: Dataset,
    org_id: i64,
    who: Who,
    checksum: String,
}

fn sql_type(kind: ColumnType, backend: Backend) -> &'static str {
    match (kind, backend) {
        (ColumnType::Integer | ColumnType::Boolean, Backend::Sqlite) => "INTEGER",
        (ColumnType::Integer | ColumnType::Boolean, Backend::Postgres) => "BIGINT",
        (ColumnType::Decimal, Backend::Sqlite) => "REAL",
        (ColumnType::Decimal, Backend::Postgres) => "DOUBLE PRECISION",
        (ColumnType::Date | ColumnType::AreaCode | ColumnType::Text, _) => "TEXT",
    }
}

/// A cell as a bound value; a NULL carries its column's type (PostgreSQL refuses a text NULL
/// for a number column).
fn bind(cell: CellRef<'_>, kind: ColumnType) -> Bind {
    match cell {
        CellRef::Null => match kind {
            ColumnType::Integer | ColumnType::Boolean => Bind::OptInt(None),
            ColumnType::Decimal => Bind::OptReal(None),
            _ => Bind::OptText(None),
        },
        CellRef::Integer(i) => Bind::Int(i),
        CellRef::Decimal(d) => Bind::OptReal(Some(d)),
        CellRef::Date(d) | CellRef::Text(d) => Bind::Text(d.to_owned()),
        CellRef::Boolean(b) => Bind::Int(i64::from(b)),
    }
}

/// Binds one cell to parameter `index` of an SQLite statement, without copying it first.
fn bind_sqlite(
    stmt: &mut rusqlite::Statement<'_>,
    index: usize,
    cell: CellRef<'_>,
) -> rusqlite::Result<()> {
    match cell {
        CellRef::Null => stmt.raw_bind_parameter(index, rusqlite::types::Null),
        CellRef::Integer(i) => stmt.raw_bind_parameter(index, i),
        CellRef::Decimal(d) => stmt.raw_bind_parameter(index, d),
        CellRef::Date(t) | CellRef::Text(t) => stmt.raw_bind_parameter(index, t),
        CellRef::Boolean(b) => stmt.raw_bind_parameter(index, i64::from(b)),
    }
}

/// Keys are made by `column_key` (`c_` and `[a-z0-9_]`); anything else is refused here, since
/// they become identifiers in SQL.
fn safe_key(key: &str) -> bool {
    key.starts_with("c_")
        && key.len() <= 64
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn safe_table(name: &str) -> bool {
    name.starts_with("org_data_") && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The `CREATE TABLE` of an organisation's table.
fn create_sql(table: &str, columns: &[Column], backend: Backend) -> String {
    let defs: Vec<String> = columns
        .iter()
        .map(|c| format!("{} {}", c.key, sql_type(c.kind, backend)))
        .collect();
    // On SQLite an INTEGER PRIMARY KEY is the rowid itself: no second index to fill.
    let row_no = match backend {
        Backend::Sqlite => "row_no INTEGER PRIMARY KEY",
        Backend::Postgres => "row_no BIGINT NOT NULL PRIMARY KEY",
    };
    format!("CREATE TABLE {table} ({row_no}, {})", defs.join(", "))
}

/// The writer thread of an SQLite import: one connection, one transaction, one prepared
/// statement. It commits only when told to; a closed channel without that means roll back.
fn spawn_sqlite_writer(
    path: std::path::PathBuf,
    create: String,
    insert: String,
    mut rows: tokio::sync::mpsc::Receiver<RowBatch>,
    commit: Arc<AtomicBool>,
) -> Result<std::thread::JoinHandle<Result<u64, String>>, StoreError> {
    let work = move || -> Result<u64, String> {
        let mut conn = rusqlite::Connection::open(&path).map_err(|e| e.to_string())?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(|e| e.to_string())?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| e.to_string())?;
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| e.to_string())?;
        tx.execute_batch(&create).map_err(|e| e.to_string())?;
        let mut stored = 0u64;
        {
            let mut stmt = tx.prepare(&insert).map_err(|e| e.to_string())?;
            while let Some(batch) = rows.blocking_recv() {
                for row in batch.rows() {
                    let row_no = i64::try_from(row.number()).unwrap_or(i64::MAX);
                    stmt.raw_bind_parameter(1, row_no)
                        .map_err(|e| e.to_string())?;
                    for (i, cell) in row.cells().enumerate() {
                        bind_sqlite(&mut stmt, i + 2, cell).map_err(|e| e.to_string())?;
                    }
                    stmt.raw_execute().map_err(|e| e.to_string())?;
                    stored += 1;
                }
            }
        }
        if commit.load(Ordering::SeqCst) {
            tx.commit().map_err(|e| e.to_string())?;
            Ok(stored)
        } else {
            // Dropping the transaction rolls it back: the staging table and its rows vanish.
            Err("cancelled".to_owned())
        }
    };
    std::thread::Builder::new()
        .name("baken-sqlite-writer".into())
        .spawn(work)
        .map_err(|e| StoreError::Internal(format!("cannot start the writer: {e}")))
}

/// Checks that `dataset` may be (re)filled by `org_id`: returns false when this very file was
/// imported into it before.
async fn check_dataset(
    conn: &mut AnyConnection,
    dataset: &Dataset,
    org_id: i64,
    checksum: &str,
) -> Result<bool, StoreError> {
    // Ownership first, so that another organisation learns nothing about this dataset's files.
    let owner: Option<Option<i64>> = sqlx::query("SELECT org_id FROM datasets WHERE code = $1")
        .bind(&dataset.code)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get("org_id"))
        .transpose()?;
    if let Some(existing) = owner
        && existing != Some(org_id)
    {
        return Err(StoreError::Conflict { field: "dataset" });
    }
    let seen: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM imports WHERE kind = 'table' AND dataset = $1 AND checksum = $2 AND org_id = $3",
    )
    .bind(&dataset.code)
    .bind(checksum)
    .bind(org_id)
    .fetch_one(&mut *conn)
    .await?
    .try_get("n")?;
    Ok(seen == 0)
}

impl Store {
    /// Passes a dataset check on, recording a refused one (another organisation's dataset)
    /// in the audit chain.
    async fn audited_check(
        &self,
        by: Importer<'_>,
        dataset: &Dataset,
        checked: Result<bool, StoreError>,
    ) -> Result<bool, StoreError> {
        if let (Err(StoreError::Conflict { .. }), Importer::Actor(actor)) = (&checked, by) {
            self.record_denial(
                Some(actor),
                actor.email(),
                "access.denied",
                json!({ "dataset": dataset.code, "reason": "owned by another organisation" }),
            )
            .await?;
        }
        checked
    }

    /// Starts importing a table into `dataset` of the organisation (the actor's own, or the one
    /// named by `org_code` for the command line). Returns `None` when this very file was
    /// imported into the dataset before.
    pub async fn begin_table_import(
        &self,
        by: Importer<'_>,
        org_code: Option<&str>,
        dataset: &Dataset,
        columns: &[Column],
        checksum: &str,
    ) -> Result<Option<TableImport>, StoreError> {
        let (who, org_id) = match by {
            Importer::Actor(actor) => {
                self.require(actor, Permission::ImportData, "import.table")
                    .await?;
                (Who::actor(actor), actor.org_id())
            }
            Importer::Operator(op) => {
                let code = org_code.ok_or_else(|| StoreError::Invalid {
                    field: "org",
                    reason: "name the organisation the table belongs to".into(),
                })?;
                let org = self
                    .organisation_by_code(code)
                    .await?
                    .ok_or_else(|| StoreError::UnknownOrganisation(code.to_owned()))?;
                (op.who(), org.id)
            }
        };
        if columns.is_empty() || !columns.iter().all(|c| safe_key(&c.key)) {
            return Err(StoreError::Invalid {
                field: "columns",
                reason: "no columns, or a column key that is not safe".into(),
            });
        }
        let suffix: u64 = rand::rng().random();
        let table = format!("org_data_{suffix:016x}");
        let create = create_sql(&table, columns, self.db.backend);
        let sink = match (self.db.backend, &self.db.sqlite_path) {
            (Backend::Sqlite, Some(path)) => {
                // A first check without holding the write lock; `finish` checks again.
                let mut conn = self.db.pool.acquire().await?;
                let fresh = check_dataset(&mut conn, dataset, org_id, checksum).await;
                drop(conn);
                if !self.audited_check(by, dataset, fresh).await? {
                    return Ok(None);
                }
                let keys: Vec<&str> = columns.iter().map(|c| c.key.as_str()).collect();
                let placeholders: Vec<String> =
                    (1..=keys.len() + 1).map(|i| format!("?{i}")).collect();
                let insert = format!(
                    "INSERT INTO {table} (row_no, {}) VALUES ({})",
                    keys.join(", "),
                    placeholders.join(", ")
                );
                let (sender, receiver) = tokio::sync::mpsc::channel(8);
                let commit = Arc::new(AtomicBool::new(false));
                let writer =
                    spawn_sqlite_writer(path.clone(), create, insert, receiver, commit.clone())?;
                Sink::Writer {
                    sender: Some(sender),
                    commit,
                    writer: Some(writer),
                }
            }
            _ => {
                let mut tx = self.db.begin().await?;
                let fresh = match check_dataset(&mut tx, dataset, org_id, checksum).await {
                    Ok(fresh) => fresh,
                    Err(e) => {
                        // Release the write transaction before recording the refusal.
                        drop(tx);
                        self.audited_check(by, dataset, Err(e)).await?;
                        return Err(StoreError::Conflict { field: "dataset" });
                    }
                };
                if !fresh {
                    return Ok(None);
                }
                sqlx::query(sqlx::AssertSqlSafe(create))
                    .execute(&mut *tx)
                    .await?;
                Sink::Shared {
                    tx,
                    buffer: Vec::new(),
                }
            }
        };
        Ok(Some(TableImport {
            sink,
            meta: Meta {
                store: self.clone(),
                table,
                columns: columns.to_vec(),
                rows: 0,
                dataset: dataset.clone(),
                org_id,
                who,
                checksum: checksum.to_owned(),
            },
        }))
    }
}

impl TableImport {
    const BATCH_PARAMS: usize = 3000;

    /// Sends what PostgreSQL has buffered.
    async fn flush(&mut self) -> Result<(), StoreError> {
        if let Sink::Shared { tx, buffer } = &mut self.sink
            && !buffer.is_empty()
        {
            let keys: Vec<&str> = self.meta.columns.iter().map(|c| c.key.as_str()).collect();
            let target = format!("{} (row_no, {})", self.meta.table, keys.join(", "));
            let rows = std::mem::take(buffer);
            insert_batched(tx, &target, keys.len() + 1, rows).await?;
        }
        Ok(())
    }

    /// Adds a batch of validated rows (cells in the order of the columns).
    pub async fn push_batch(&mut self, batch: RowBatch) -> Result<(), StoreError> {
        if batch.width() != self.meta.columns.len() {
            return Err(StoreError::Internal(format!(
                "rows of {} cells for a table of {} columns",
                batch.width(),
                self.meta.columns.len()
            )));
        }
        self.meta.rows += batch.len() as u64;
        match &mut self.sink {
            Sink::Shared { buffer, .. } => {
                for row in batch.rows() {
                    let mut binds = Vec::with_capacity(batch.width() + 1);
                    binds.push(Bind::Int(i64::try_from(row.number()).unwrap_or(i64::MAX)));
                    binds.extend(
                        row.cells()
                            .zip(self.meta.columns.iter().map(|c| c.kind))
                            .map(|(cell, kind)| bind(cell, kind)),
                    );
                    buffer.push(binds);
                }
                if buffer.len() * (self.meta.columns.len() + 1) >= Self::BATCH_PARAMS * 8 {
                    self.flush().await?;
                }
            }
            Sink::Writer { sender, writer, .. } => {
                let Some(open) = sender else {
                    return Err(StoreError::Internal("the writer is closed".into()));
                };
                if open.send(batch).await.is_err() {
                    // The writer ended early: say why.
                    let reason = match writer.take().map(std::thread::JoinHandle::join) {
                        Some(Ok(Err(e))) => e,
                        _ => "the writer stopped".to_owned(),
                    };
                    return Err(StoreError::Internal(format!(
                        "writing the rows failed: {reason}"
                    )));
                }
            }
        }
        Ok(())
    }

    pub fn rows(&self) -> u64 {
        self.meta.rows
    }

    /// Registers the table, stores the rollups and the provenance, audits, and commits.
    pub async fn finish(
        mut self,
        provenance: &Provenance,
        rollups: &[Observation],
    ) -> Result<u64, StoreError> {
        self.flush().await?;
        let sink = std::mem::replace(
            &mut self.sink,
            Sink::Writer {
                sender: None,
                commit: Arc::new(AtomicBool::new(false)),
                writer: None,
            },
        );
        let (mut tx, staged) = match sink {
            Sink::Shared { tx, .. } => (tx, false),
            Sink::Writer {
                sender,
                commit,
                writer,
                ..
            } => {
                commit.store(true, Ordering::SeqCst);
                drop(sender);
                let stored = match writer.map(std::thread::JoinHandle::join) {
                    Some(Ok(Ok(n))) => n,
                    Some(Ok(Err(e))) => {
                        return Err(StoreError::Internal(format!(
                            "writing the rows failed: {e}"
                        )));
                    }
                    _ => return Err(StoreError::Internal("the writer failed".into())),
                };
                if stored != self.meta.rows {
                    return Err(StoreError::Internal(format!(
                        "{stored} of {} rows written",
                        self.meta.rows
                    )));
                }
                (self.meta.store.db.begin().await?, true)
            }
        };
        let result = self
            .meta
            .register(&mut tx, provenance, rollups, staged)
            .await;
        match result {
            Ok(()) => {
                tx.commit().await?;
                Ok(self.meta.rows)
            }
            Err(e) => {
                drop(tx);
                if staged && safe_table(&self.meta.table) {
                    // The staging table was committed by the writer: remove it again.
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP TABLE IF EXISTS {}",
                        self.meta.table
                    )))
                    .execute(&self.meta.store.db.pool)
                    .await;
                }
                Err(e)
            }
        }
    }
}

impl Meta {
    async fn register(
        &self,
        tx: &mut Transaction<'static, Any>,
        provenance: &Provenance,
        rollups: &[Observation],
        staged: bool,
    ) -> Result<(), StoreError> {
        let code = &self.dataset.code;
        if staged && !check_dataset(tx, &self.dataset, self.org_id, &self.checksum).await? {
            return Err(StoreError::Conflict { field: "dataset" });
        }
        // Replace what an earlier file of this dataset left.
        if let Some(old) = sqlx::query("SELECT table_name FROM org_tables WHERE dataset = $1")
            .bind(code)
            .fetch_optional(&mut **tx)
            .await?
        {
            let old: String = old.try_get("table_name")?;
            if safe_table(&old) {
                sqlx::query(sqlx::AssertSqlSafe(format!("DROP TABLE IF EXISTS {old}")))
                    .execute(&mut **tx)
                    .await?;
            }
            sqlx::query("DELETE FROM org_tables WHERE dataset = $1")
                .bind(code)
                .execute(&mut **tx)
                .await?;
        }
        sqlx::query("DELETE FROM observations WHERE dataset = $1")
            .bind(code)
            .execute(&mut **tx)
            .await?;
        let exists = sqlx::query("SELECT org_id FROM datasets WHERE code = $1")
            .bind(code)
            .fetch_optional(&mut **tx)
            .await?
            .is_some();
        if exists {
            sqlx::query(
                "UPDATE datasets SET title = $1, source = $2, licence = $3 WHERE code = $4",
            )
            .bind(&self.dataset.title)
            .bind(&self.dataset.source)
            .bind(&self.dataset.licence)
            .bind(code)
            .execute(&mut **tx)
            .await?;
        } else {
            sqlx::query(
                "INSERT INTO datasets (code, title, source, licence, org_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(code)
            .bind(&self.dataset.title)
            .bind(&self.dataset.source)
            .bind(&self.dataset.licence)
            .bind(self.org_id)
            .bind(now_ms())
            .execute(&mut **tx)
            .await?;
        }
        upsert_observations(tx, code, rollups).await?;
        let columns = json!(
            self.columns
                .iter()
                .map(|c| json!({ "header": c.header, "key": c.key, "type": c.kind.code() }))
                .collect::<Vec<_>>()
        );
        let rows = i64::try_from(self.rows).unwrap_or(i64::MAX);
        sqlx::query(
            "INSERT INTO org_tables (dataset, org_id, table_name, columns, row_count, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(code)
        .bind(self.org_id)
        .bind(&self.table)
        .bind(columns.to_string())
        .bind(rows)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO imports (kind, dataset, file_name, checksum, source, licence, actor_label, \
             org_id, rows_read, rows_stored, imported_at) VALUES ('table', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(code)
        .bind(&provenance.file_name)
        .bind(&provenance.checksum)
        .bind(&provenance.source)
        .bind(&provenance.licence)
        .bind(&self.who.label)
        .bind(self.org_id)
        .bind(i64::try_from(provenance.rows_read).unwrap_or(i64::MAX))
        .bind(rows)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
        append(
            tx,
            &self.store.audit_key,
            Entry::new(self.who.clone(), "import.table")
                .object("dataset", code)
                .subject_org(self.org_id)
                .detail(json!({
                    "file": provenance.file_name,
                    "checksum": provenance.checksum,
                    "rows": rows,
                    "rollups": rollups.len(),
                })),
        )
        .await?;
        Ok(())
    }
}
