//! Background jobs: an import started in the web is a row here, claimed by one Baken process
//! at a time (an atomic update), with its progress, so a page reload or another process sees
//! the same state; a process that dies leaves a job that another takes over.

use baken_domain::auth::Permission;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{Entry, Who, append};
use crate::org::AuthMethod;
use crate::{Actor, Store, StoreError, now_ms};

/// The largest file a job holds.
pub const MAX_JOB_FILE_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    /// Uploaded, waiting for the user to confirm the columns.
    Draft,
    Queued,
    Running,
    Done,
    Failed,
}

impl JobStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    fn from_code(code: &str) -> Self {
        match code {
            "queued" => Self::Queued,
            "running" => Self::Running,
            "done" => Self::Done,
            "failed" => Self::Failed,
            _ => Self::Draft,
        }
    }
}

/// A job as its organisation sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub status: JobStatus,
    pub file_name: String,
    pub file_size: i64,
    pub dataset: Option<String>,
    /// JSON chosen by the user (column types and the like).
    pub options: String,
    pub progress_done: i64,
    pub progress_total: i64,
    pub message: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A job a worker has claimed, with what it needs to run.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub file_bytes: Vec<u8>,
    pub dataset: Option<String>,
    pub options: String,
    /// The user who started it; the job acts with that user's rights, checked again now.
    pub actor: Option<Actor>,
}

const JOB_COLUMNS: &str = "id, kind, status, file_name, LENGTH(file_bytes) AS file_size, dataset, options, \
     progress_done, progress_total, message, created_at, updated_at";

fn job_from_row(row: &AnyRow) -> Result<Job, StoreError> {
    let status: String = row.try_get("status")?;
    Ok(Job {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        status: JobStatus::from_code(&status),
        file_name: row.try_get("file_name")?,
        file_size: row.try_get::<Option<i64>, _>("file_size")?.unwrap_or(0),
        dataset: row.try_get("dataset")?,
        options: row.try_get("options")?,
        progress_done: row.try_get("progress_done")?,
        progress_total: row.try_get("progress_total")?,
        message: row.try_get("message")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

impl Store {
    /// Keeps an uploaded file as a draft job of the actor's organisation.
    pub async fn create_job(
        &self,
        actor: &Actor,
        kind: &str,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<i64, StoreError> {
        self.require(actor, Permission::ImportData, "job.create")
            .await?;
        if bytes.len() > MAX_JOB_FILE_BYTES {
            return Err(StoreError::Invalid {
                field: "file",
                reason: format!("at most {} MiB", MAX_JOB_FILE_BYTES / (1024 * 1024)),
            });
        }
        let name: String = file_name
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        let size = bytes.len();
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO jobs (kind, org_id, created_by, status, file_name, file_bytes, options, created_at, updated_at) \
             VALUES ($1, $2, $3, 'draft', $4, $5, '{}', $6, $6) RETURNING id",
        )
        .bind(kind)
        .bind(actor.org_id())
        .bind(actor.user_id())
        .bind(&name)
        .bind(bytes)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "job.create")
                .object("job", id)
                .subject_org(actor.org_id())
                .detail(json!({ "kind": kind, "file": name, "bytes": size })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// One job of the actor's organisation; another's is "not found" (audited).
    pub async fn job(&self, actor: &Actor, id: i64) -> Result<Job, StoreError> {
        self.require(actor, Permission::ImportData, "job.read")
            .await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {JOB_COLUMNS}, org_id FROM jobs WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?;
        match row {
            Some(row) if row.try_get::<i64, _>("org_id")? == actor.org_id() => job_from_row(&row),
            Some(row) => {
                let owner = row.try_get("org_id")?;
                Err(self
                    .not_found(actor, "job", &id.to_string(), Some(owner))
                    .await)
            }
            None => Err(self.not_found(actor, "job", &id.to_string(), None).await),
        }
    }

    /// The bytes of a job's file (for a preview).
    pub async fn job_file(&self, actor: &Actor, id: i64) -> Result<Vec<u8>, StoreError> {
        self.job(actor, id).await?;
        Ok(sqlx::query("SELECT file_bytes FROM jobs WHERE id = $1")
            .bind(id)
            .fetch_one(&self.db.pool)
            .await?
            .try_get("file_bytes")?)
    }

    /// The latest jobs of the actor's organisation.
    pub async fn jobs(&self, actor: &Actor) -> Result<Vec<Job>, StoreError> {
        self.require(actor, Permission::ImportData, "job.list")
            .await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE org_id = $1 ORDER BY id DESC LIMIT 25"
        )))
        .bind(actor.org_id())
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter().map(job_from_row).collect()
    }

    /// Confirms a draft: the dataset and options are set and the job waits for a worker.
    pub async fn queue_job(
        &self,
        actor: &Actor,
        id: i64,
        dataset: &str,
        options: &serde_json::Value,
    ) -> Result<(), StoreError> {
        let job = self.job(actor, id).await?;
        if job.status != JobStatus::Draft {
            return Err(StoreError::Invalid {
                field: "status",
                reason: format!("the job is {}", job.status.code()),
            });
        }
        let mut tx = self.db.begin().await?;
        sqlx::query("UPDATE jobs SET status = 'queued', dataset = $1, options = $2, updated_at = $3 WHERE id = $4 AND status = 'draft'")
            .bind(dataset)
            .bind(options.to_string())
            .bind(now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "job.queue")
                .object("job", id)
                .subject_org(actor.org_id())
                .detail(json!({ "dataset": dataset, "options": options })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Claims the oldest queued job for `worker`, if any. Only one process gets each job.
    pub async fn claim_job(&self, worker: &str) -> Result<Option<ClaimedJob>, StoreError> {
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let row = sqlx::query(
            "UPDATE jobs SET status = 'running', claimed_by = $1, heartbeat_at = $2, updated_at = $2 \
             WHERE id = (SELECT id FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1) AND status = 'queued' \
             RETURNING id, kind, file_name, file_bytes, dataset, options, created_by",
        )
        .bind(worker)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            tx.commit().await?;
            return Ok(None);
        };
        let created_by: i64 = row.try_get("created_by")?;
        let actor = Actor::load(&mut tx, created_by, AuthMethod::Job).await?;
        tx.commit().await?;
        Ok(Some(ClaimedJob {
            id: row.try_get("id")?,
            kind: row.try_get("kind")?,
            file_name: row.try_get("file_name")?,
            file_bytes: row.try_get("file_bytes")?,
            dataset: row.try_get("dataset")?,
            options: row.try_get("options")?,
            actor,
        }))
    }

    /// Records progress (and that the worker is alive).
    pub async fn job_progress(&self, id: i64, done: u64, total: u64) -> Result<(), StoreError> {
        let now = now_ms();
        sqlx::query("UPDATE jobs SET progress_done = $1, progress_total = $2, heartbeat_at = $3, updated_at = $3 WHERE id = $4")
            .bind(i64::try_from(done).unwrap_or(i64::MAX))
            .bind(i64::try_from(total).unwrap_or(i64::MAX))
            .bind(now)
            .bind(id)
            .execute(&self.db.pool)
            .await?;
        Ok(())
    }

    /// Ends a job with its outcome, in words for the user.
    pub async fn finish_job(&self, id: i64, ok: bool, message: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE jobs SET status = $1, message = $2, updated_at = $3, heartbeat_at = NULL WHERE id = $4")
            .bind(if ok { "done" } else { "failed" })
            .bind(message)
            .bind(now_ms())
            .bind(id)
            .execute(&self.db.pool)
            .await?;
        Ok(())
    }

    /// Puts back running jobs whose worker stopped sending heartbeats (a process that died).
    pub async fn requeue_stale_jobs(&self, stale_after_ms: i64) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "UPDATE jobs SET status = 'queued', claimed_by = NULL, updated_at = $1 \
             WHERE status = 'running' AND heartbeat_at < $2",
        )
        .bind(now_ms())
        .bind(now_ms() - stale_after_ms)
        .execute(&self.db.pool)
        .await?
        .rows_affected())
    }
}
