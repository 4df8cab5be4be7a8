//! Importing published statistics (observations per area, period, measure and category):
//! all or nothing, idempotent per file, with provenance, audited.

use std::collections::HashSet;

use baken_domain::area::Observation;
use baken_domain::auth::Permission;
use baken_domain::dataset::{Dataset, Provenance};
use serde_json::json;
use sqlx::Row;

use crate::audit::{Entry, Who, append};
use crate::sql::upsert_observations;
use crate::{Actor, Operator, Store, StoreError, now_ms};

/// Who imports: the command line (public datasets) or a user (its organisation's datasets).
#[derive(Debug, Clone, Copy)]
pub enum Importer<'a> {
    Operator(&'a Operator),
    Actor(&'a Actor),
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOutcome {
    /// True when this very file was imported into this dataset before: nothing changed.
    pub already_imported: bool,
    pub stored: u64,
}

/// An import recorded in the provenance table, as users see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRecord {
    pub kind: String,
    pub dataset: Option<String>,
    pub file_name: String,
    pub checksum: String,
    pub source: String,
    pub licence: String,
    pub by: String,
    pub rows_read: i64,
    pub rows_stored: i64,
    pub imported_at: i64,
}

impl Store {
    /// Stores `observations` into `dataset` in one transaction: every row or none. Existing
    /// figures for the same (area, period, measure, category) are replaced. A file that was
    /// imported into the dataset before (same checksum) changes nothing.
    pub async fn import_observations(
        &self,
        by: Importer<'_>,
        kind: &'static str,
        dataset: &Dataset,
        provenance: &Provenance,
        observations: &[Observation],
    ) -> Result<ImportOutcome, StoreError> {
        let (who, org_id) = match by {
            Importer::Operator(op) => (op.who(), None),
            Importer::Actor(actor) => {
                self.require(actor, Permission::ImportData, "import.observations")
                    .await?;
                (Who::actor(actor), Some(actor.org_id()))
            }
        };
        let mut keys = HashSet::with_capacity(observations.len());
        for o in observations {
            if !keys.insert((
                o.area.as_str(),
                o.period.as_str(),
                o.measure.as_str(),
                o.category.as_str(),
            )) {
                return Err(StoreError::Invalid {
                    field: "observations",
                    reason: format!(
                        "{} {} {} {:?} appears twice",
                        o.area, o.period, o.measure, o.category
                    ),
                });
            }
        }
        let mut tx = self.db.begin().await?;
        let owner: Option<Option<i64>> = sqlx::query("SELECT org_id FROM datasets WHERE code = $1")
            .bind(&dataset.code)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get("org_id"))
            .transpose()?;
        match owner {
            Some(existing) if existing != org_id => {
                drop(tx);
                if let Importer::Actor(actor) = by {
                    self.record_denial(
                        Some(actor),
                        actor.email(),
                        "access.denied",
                        json!({ "dataset": dataset.code, "reason": "owned by another organisation" }),
                    )
                    .await?;
                }
                return Err(StoreError::Conflict { field: "dataset" });
            }
            Some(_) => {
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
                    "INSERT INTO datasets (code, title, source, licence, org_id, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
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
        // Ownership first, so that another organisation learns nothing about this dataset's
        // files; then whether this very file was imported into it before.
        let seen: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM imports WHERE kind = $1 AND dataset = $2 AND checksum = $3 \
             AND COALESCE(org_id, 0) = $4",
        )
        .bind(kind)
        .bind(&dataset.code)
        .bind(&provenance.checksum)
        .bind(org_id.unwrap_or(0))
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        if seen > 0 {
            return Ok(ImportOutcome {
                already_imported: true,
                stored: 0,
            });
        }
        let stored = upsert_observations(&mut tx, &dataset.code, observations).await?;
        sqlx::query(
            "INSERT INTO imports (kind, dataset, file_name, checksum, source, licence, actor_label, \
             org_id, rows_read, rows_stored, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(kind)
        .bind(&dataset.code)
        .bind(&provenance.file_name)
        .bind(&provenance.checksum)
        .bind(&provenance.source)
        .bind(&provenance.licence)
        .bind(&who.label)
        .bind(org_id)
        .bind(i64::try_from(provenance.rows_read).unwrap_or(i64::MAX))
        .bind(i64::try_from(stored).unwrap_or(i64::MAX))
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        let mut entry = Entry::new(who, "import.observations")
            .object("dataset", &dataset.code)
            .detail(json!({
                "kind": kind,
                "file": provenance.file_name,
                "checksum": provenance.checksum,
                "rows_read": provenance.rows_read,
                "stored": stored,
            }));
        if let Some(org) = org_id {
            entry = entry.subject_org(org);
        }
        append(&mut tx, &self.audit_key, entry).await?;
        tx.commit().await?;
        Ok(ImportOutcome {
            already_imported: false,
            stored,
        })
    }

    /// The provenance of every import into `dataset` that the actor may see (its own
    /// organisation's, and public ones), newest first.
    pub async fn imports_of(
        &self,
        actor: &Actor,
        dataset: &str,
    ) -> Result<Vec<ImportRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, dataset, file_name, checksum, source, licence, actor_label, rows_read, \
             rows_stored, imported_at FROM imports WHERE dataset = $1 AND (org_id = $2 OR org_id IS NULL) \
             ORDER BY id DESC",
        )
        .bind(dataset)
        .bind(actor.org_id())
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ImportRecord {
                    kind: r.try_get("kind")?,
                    dataset: r.try_get("dataset")?,
                    file_name: r.try_get("file_name")?,
                    checksum: r.try_get("checksum")?,
                    source: r.try_get("source")?,
                    licence: r.try_get("licence")?,
                    by: r.try_get("actor_label")?,
                    rows_read: r.try_get("rows_read")?,
                    rows_stored: r.try_get("rows_stored")?,
                    imported_at: r.try_get("imported_at")?,
                })
            })
            .collect()
    }

    /// Every area of the latest division plus the areas outside it, for matching regions.
    pub async fn known_areas(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT code, name FROM areas WHERE year = (SELECT MAX(year) FROM areas) ORDER BY code",
        )
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("code")?, r.try_get("name")?)))
            .collect()
    }
}

impl Store {
    /// Whether a dataset of this code exists (of any owner).
    pub async fn dataset_exists(&self, code: &str) -> Result<bool, StoreError> {
        Ok(sqlx::query("SELECT code FROM datasets WHERE code = $1")
            .bind(code)
            .fetch_optional(&self.db.pool)
            .await?
            .is_some())
    }
}
