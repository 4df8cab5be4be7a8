//! Organisations' own tables: one typed database table per dataset, filled in one
//! transaction (every row or none), with the rollups dashboards read stored beside it.

use baken_domain::area::Observation;
use baken_domain::auth::Permission;
use baken_domain::dataset::{Dataset, Provenance};
use baken_domain::table::{Cell, Column, ColumnType};
use rand::RngExt;
use serde_json::json;
use sqlx::{Any, Row, Transaction};

use crate::audit::{Entry, Who, append};
use crate::dataset::Importer;
use crate::sql::{Bind, insert_batched, upsert_batched};
use crate::{Backend, Store, StoreError, now_ms};

/// A table import under way. Dropping it without [`TableImport::finish`] rolls everything back.
pub struct TableImport {
    tx: Transaction<'static, Any>,
    table: String,
    columns: Vec<Column>,
    buffer: Vec<Vec<Bind>>,
    rows: u64,
    dataset: Dataset,
    org_id: i64,
    who: Who,
    key: baken_domain::audit::AuditKey,
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
fn bind(cell: Cell, kind: ColumnType) -> Bind {
    match cell {
        Cell::Null => match kind {
            ColumnType::Integer | ColumnType::Boolean => Bind::OptInt(None),
            ColumnType::Decimal => Bind::OptReal(None),
            _ => Bind::OptText(None),
        },
        Cell::Integer(i) => Bind::Int(i),
        Cell::Decimal(d) => Bind::OptReal(Some(d)),
        Cell::Date(d) | Cell::Text(d) => Bind::Text(d),
        Cell::Boolean(b) => Bind::Int(i64::from(b)),
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

impl Store {
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
        let mut tx = self.db.begin().await?;
        let seen: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM imports WHERE kind = 'table' AND dataset = $1 AND checksum = $2",
        )
        .bind(&dataset.code)
        .bind(checksum)
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        if seen > 0 {
            return Ok(None);
        }
        let owner: Option<Option<i64>> = sqlx::query("SELECT org_id FROM datasets WHERE code = $1")
            .bind(&dataset.code)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get("org_id"))
            .transpose()?;
        match owner {
            Some(existing) if existing != Some(org_id) => {
                return Err(StoreError::Conflict { field: "dataset" });
            }
            Some(_) => {
                if let Some(old) =
                    sqlx::query("SELECT table_name FROM org_tables WHERE dataset = $1")
                        .bind(&dataset.code)
                        .fetch_optional(&mut *tx)
                        .await?
                {
                    let old: String = old.try_get("table_name")?;
                    if old.starts_with("org_data_")
                        && old.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                    {
                        sqlx::query(sqlx::AssertSqlSafe(format!("DROP TABLE IF EXISTS {old}")))
                            .execute(&mut *tx)
                            .await?;
                    }
                    sqlx::query("DELETE FROM org_tables WHERE dataset = $1")
                        .bind(&dataset.code)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query("DELETE FROM observations WHERE dataset = $1")
                    .bind(&dataset.code)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "UPDATE datasets SET title = $1, source = $2, licence = $3 WHERE code = $4",
                )
                .bind(&dataset.title)
                .bind(&dataset.source)
                .bind(&dataset.licence)
                .bind(&dataset.code)
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO datasets (code, title, source, licence, org_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&dataset.code)
                .bind(&dataset.title)
                .bind(&dataset.source)
                .bind(&dataset.licence)
                .bind(org_id)
                .bind(now_ms())
                .execute(&mut *tx)
                .await?;
            }
        }
        let suffix: u64 = rand::rng().random();
        let table = format!("org_data_{suffix:016x}");
        let defs: Vec<String> = columns
            .iter()
            .map(|c| format!("{} {}", c.key, sql_type(c.kind, self.db.backend)))
            .collect();
        // On SQLite an INTEGER PRIMARY KEY is the rowid itself: no second index to fill.
        let row_no = match self.db.backend {
            Backend::Sqlite => "row_no INTEGER PRIMARY KEY",
            Backend::Postgres => "row_no BIGINT NOT NULL PRIMARY KEY",
        };
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE TABLE {table} ({row_no}, {})",
            defs.join(", ")
        )))
        .execute(&mut *tx)
        .await?;
        Ok(Some(TableImport {
            tx,
            table,
            columns: columns.to_vec(),
            buffer: Vec::new(),
            rows: 0,
            dataset: dataset.clone(),
            org_id,
            who,
            key: self.audit_key.clone(),
        }))
    }
}

impl TableImport {
    const BATCH_PARAMS: usize = 3000;

    async fn flush(&mut self) -> Result<(), StoreError> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let keys: Vec<&str> = self.columns.iter().map(|c| c.key.as_str()).collect();
        let target = format!("{} (row_no, {})", self.table, keys.join(", "));
        let rows = std::mem::take(&mut self.buffer);
        insert_batched(&mut self.tx, &target, keys.len() + 1, rows).await?;
        Ok(())
    }

    /// Adds one validated row (in the order of the columns).
    pub async fn push(&mut self, row_no: u64, cells: Vec<Cell>) -> Result<(), StoreError> {
        let mut row = Vec::with_capacity(cells.len() + 1);
        row.push(Bind::Int(i64::try_from(row_no).unwrap_or(i64::MAX)));
        row.extend(
            cells
                .into_iter()
                .zip(self.columns.iter().map(|c| c.kind))
                .map(|(cell, kind)| bind(cell, kind)),
        );
        self.buffer.push(row);
        self.rows += 1;
        if self.buffer.len() * (self.columns.len() + 1) >= Self::BATCH_PARAMS * 8 {
            self.flush().await?;
        }
        Ok(())
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Stores the rollups and the provenance, audits, and commits.
    pub async fn finish(
        mut self,
        provenance: &Provenance,
        rollups: &[Observation],
    ) -> Result<u64, StoreError> {
        self.flush().await?;
        let code = self.dataset.code.clone();
        upsert_batched(
            &mut self.tx,
            "observations (dataset, area_code, period, measure, category, value, symbol)",
            7,
            rollups
                .iter()
                .map(|o| {
                    vec![
                        Bind::Text(code.clone()),
                        Bind::Text(o.area.to_string()),
                        Bind::Text(o.period.clone()),
                        Bind::Text(o.measure.clone()),
                        Bind::Text(o.category.clone()),
                        Bind::OptReal(o.value),
                        Bind::OptText(o.symbol.map(|s| s.code().to_owned())),
                    ]
                })
                .collect(),
            " ON CONFLICT (dataset, area_code, period, measure, category) \
             DO UPDATE SET value = excluded.value, symbol = excluded.symbol",
        )
        .await?;
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
        .bind(&code)
        .bind(self.org_id)
        .bind(&self.table)
        .bind(columns.to_string())
        .bind(rows)
        .bind(now_ms())
        .execute(&mut *self.tx)
        .await?;
        sqlx::query(
            "INSERT INTO imports (kind, dataset, file_name, checksum, source, licence, actor_label, \
             org_id, rows_read, rows_stored, imported_at) VALUES ('table', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&code)
        .bind(&provenance.file_name)
        .bind(&provenance.checksum)
        .bind(&provenance.source)
        .bind(&provenance.licence)
        .bind(&self.who.label)
        .bind(self.org_id)
        .bind(i64::try_from(provenance.rows_read).unwrap_or(i64::MAX))
        .bind(rows)
        .bind(now_ms())
        .execute(&mut *self.tx)
        .await?;
        append(
            &mut self.tx,
            &self.key,
            Entry::new(self.who.clone(), "import.table")
                .object("dataset", &code)
                .subject_org(self.org_id)
                .detail(json!({
                    "file": provenance.file_name,
                    "checksum": provenance.checksum,
                    "rows": rows,
                    "rollups": rollups.len(),
                })),
        )
        .await?;
        self.tx.commit().await?;
        Ok(self.rows)
    }
}
