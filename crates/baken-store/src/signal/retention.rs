//! Retention and destruction. A closed signal is kept for its outcome's term (from the
//! organisation's step plan), then destroyed with everything that hangs from it: description,
//! steps, hit/no-hit questions, attachments, and subjects no other signal names. A tombstone
//! keeps metadata only. `baken retention run [--dry-run]` and the daily job call [`Store::run_retention`].

use baken_domain::auth::Permission;
use serde::Serialize;
use serde_json::json;
use sqlx::{AnyConnection, Row};

use crate::audit::{Entry, append};
use crate::signal::{SUMMARY_COLUMNS, SignalSummary, summary_from_row};
use crate::{Actor, Backend, Operator, Store, StoreError, now_ms};

/// A signal due for destruction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Due {
    pub org_code: String,
    pub signal_id: i64,
    pub reference: String,
    pub state: String,
    pub destroy_after: i64,
}

/// What a run did (or, dry, would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetentionReport {
    pub dry_run: bool,
    pub batch: String,
    pub due: Vec<Due>,
    pub destroyed: usize,
    pub subjects_destroyed: usize,
    /// Closed shared cases past their covenant's retention, destroyed with their items.
    pub shared_cases_destroyed: usize,
}

/// What remains of a destroyed signal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tombstone {
    pub signal_id: i64,
    pub reference: String,
    pub state: String,
    pub phenomenon: String,
    pub received_on: String,
    pub closed_at: Option<i64>,
    pub steps: i64,
    pub subjects: i64,
    pub reason: String,
    pub batch: String,
    pub destroyed_by: String,
    pub destroyed_at: i64,
}

/// Deletes a signal and everything that hangs from it, leaving a tombstone; returns the
/// number of subjects that no other signal named and were destroyed with it.
pub(crate) async fn destroy_signal(
    conn: &mut AnyConnection,
    signal: i64,
    reason: &str,
    batch: &str,
    by: &str,
) -> Result<usize, StoreError> {
    let row = sqlx::query(
        "SELECT org_id, reference, state, phenomenon, received_on, closed_at, \
         (SELECT COUNT(*) FROM signal_steps x WHERE x.signal_id = s.id) AS steps, \
         (SELECT COUNT(*) FROM signal_subjects x WHERE x.signal_id = s.id) AS subjects \
         FROM signals s WHERE id = $1",
    )
    .bind(signal)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO signal_tombstones (org_id, signal_id, reference, state, phenomenon, received_on, closed_at, \
         steps, subjects, reason, batch, destroyed_by, destroyed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(row.try_get::<i64, _>("org_id")?)
    .bind(signal)
    .bind(row.try_get::<String, _>("reference")?)
    .bind(row.try_get::<String, _>("state")?)
    .bind(row.try_get::<String, _>("phenomenon")?)
    .bind(row.try_get::<String, _>("received_on")?)
    .bind(row.try_get::<Option<i64>, _>("closed_at")?)
    .bind(row.try_get::<i64, _>("steps")?)
    .bind(row.try_get::<i64, _>("subjects")?)
    .bind(reason)
    .bind(batch)
    .bind(by)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    let subjects: Vec<i64> =
        sqlx::query("SELECT subject_id FROM signal_subjects WHERE signal_id = $1")
            .bind(signal)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| r.try_get("subject_id"))
            .collect::<Result<_, _>>()?;
    for sql in [
        "DELETE FROM source_questions WHERE signal_id = $1",
        "DELETE FROM signal_source_approvals WHERE signal_id = $1",
        "DELETE FROM signal_steps WHERE signal_id = $1",
        "DELETE FROM signal_attachments WHERE signal_id = $1",
        "DELETE FROM signal_subjects WHERE signal_id = $1",
        "DELETE FROM signals WHERE id = $1",
    ] {
        sqlx::query(sql).bind(signal).execute(&mut *conn).await?;
    }
    let mut destroyed = 0;
    for subject in subjects {
        let still_named = sqlx::query(
            "SELECT 1 AS one FROM signal_subjects WHERE subject_id = $1 \
             UNION ALL SELECT 1 AS one FROM source_questions WHERE subject_id = $1 LIMIT 1",
        )
        .bind(subject)
        .fetch_optional(&mut *conn)
        .await?
        .is_some();
        if !still_named {
            sqlx::query("DELETE FROM subject_relations WHERE from_subject = $1 OR to_subject = $1")
                .bind(subject)
                .execute(&mut *conn)
                .await?;
            sqlx::query("DELETE FROM subjects WHERE id = $1")
                .bind(subject)
                .execute(&mut *conn)
                .await?;
            destroyed += 1;
        }
    }
    Ok(destroyed)
}

impl Store {
    /// The organisation's closed signals by destruction date, soonest first.
    pub async fn retention_schedule(
        &self,
        actor: &Actor,
    ) -> Result<Vec<SignalSummary>, StoreError> {
        self.require(actor, Permission::ViewRetention, "retention.schedule")
            .await?;
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {SUMMARY_COLUMNS} FROM signals s WHERE s.org_id = $1 AND s.destroy_after IS NOT NULL \
             ORDER BY s.destroy_after, s.id LIMIT 500"
        ));
        let rows = sqlx::query(sql)
            .bind(actor.org_id())
            .fetch_all(&self.db.pool)
            .await?;
        rows.iter().map(summary_from_row).collect()
    }

    /// The organisation's tombstones, newest first.
    pub async fn tombstones(&self, actor: &Actor) -> Result<Vec<Tombstone>, StoreError> {
        self.require(actor, Permission::ViewRetention, "retention.tombstones")
            .await?;
        let rows = sqlx::query(
            "SELECT signal_id, reference, state, phenomenon, received_on, closed_at, steps, subjects, reason, batch, \
             destroyed_by, destroyed_at FROM signal_tombstones WHERE org_id = $1 ORDER BY destroyed_at DESC, id DESC LIMIT 500",
        )
        .bind(actor.org_id())
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Tombstone {
                    signal_id: r.try_get("signal_id")?,
                    reference: r.try_get("reference")?,
                    state: r.try_get("state")?,
                    phenomenon: r.try_get("phenomenon")?,
                    received_on: r.try_get("received_on")?,
                    closed_at: r.try_get("closed_at")?,
                    steps: r.try_get("steps")?,
                    subjects: r.try_get("subjects")?,
                    reason: r.try_get("reason")?,
                    batch: r.try_get("batch")?,
                    destroyed_by: r.try_get("destroyed_by")?,
                    destroyed_at: r.try_get("destroyed_at")?,
                })
            })
            .collect()
    }

    /// Destroys every signal whose retention term has passed at `now` (or, dry, lists them).
    /// Each destruction commits with its audit record; on SQLite the write-ahead log is then
    /// checkpointed so no destroyed bytes linger in it.
    pub async fn run_retention(
        &self,
        operator: &Operator,
        now: i64,
        dry_run: bool,
    ) -> Result<RetentionReport, StoreError> {
        let rows = sqlx::query(
            "SELECT s.id, s.reference, s.state, s.destroy_after, o.code FROM signals s \
             JOIN organisations o ON o.id = s.org_id WHERE s.destroy_after IS NOT NULL AND s.destroy_after <= $1 \
             ORDER BY s.destroy_after, s.id",
        )
        .bind(now)
        .fetch_all(&self.db.pool)
        .await?;
        let due: Vec<Due> = rows
            .iter()
            .map(|r| {
                Ok(Due {
                    org_code: r.try_get("code")?,
                    signal_id: r.try_get("id")?,
                    reference: r.try_get("reference")?,
                    state: r.try_get("state")?,
                    destroy_after: r.try_get("destroy_after")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let batch = format!("retention-{now}");
        let mut report = RetentionReport {
            dry_run,
            batch: batch.clone(),
            due,
            destroyed: 0,
            subjects_destroyed: 0,
            shared_cases_destroyed: 0,
        };
        if dry_run {
            return Ok(report);
        }
        let who = operator.who();
        for d in &report.due {
            let mut tx = self.db.begin().await?;
            let subjects = destroy_signal(
                &mut tx,
                d.signal_id,
                "bewaartermijn verstreken",
                &batch,
                &who.label,
            )
            .await?;
            let org: i64 = sqlx::query("SELECT id FROM organisations WHERE code = $1")
                .bind(&d.org_code)
                .fetch_one(&mut *tx)
                .await?
                .try_get("id")?;
            append(
                &mut tx,
                &self.audit_key,
                Entry::new(who.clone(), "signal.destroy")
                    .object("signal", d.signal_id)
                    .subject_org(org)
                    .detail(json!({ "reference": d.reference, "state": d.state, "batch": batch, "subjects": subjects })),
            )
            .await?;
            tx.commit().await?;
            report.destroyed += 1;
            report.subjects_destroyed += subjects;
        }
        let mut tx = self.db.begin().await?;
        let cases = self.destroy_due_shared_cases(&mut tx, now).await?;
        for (case, org) in &cases {
            append(
                &mut tx,
                &self.audit_key,
                Entry::new(who.clone(), "sharing.case.destroy")
                    .object("shared-case", *case)
                    .subject_org(*org)
                    .detail(json!({ "batch": batch })),
            )
            .await?;
        }
        tx.commit().await?;
        report.shared_cases_destroyed = cases.len();
        self.checkpoint().await?;
        Ok(report)
    }

    /// On SQLite, folds the write-ahead log back into the database file and truncates it.
    pub(crate) async fn checkpoint(&self) -> Result<(), StoreError> {
        if self.backend() == Backend::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.db.pool)
                .await?;
        }
        Ok(())
    }
}
