//! Writing, reading and verifying the audit chain.
//!
//! [`append`] is called inside the transaction of whatever it records, so the record and the
//! change commit or roll back together. The chain head (last sequence number and hash) is one
//! row that every append updates first: that row lock serialises appends across processes on
//! PostgreSQL, and on SQLite the write lock taken by `BEGIN IMMEDIATE` does the same.

use baken_domain::audit::{AuditRecord, ChainBreak, ChainVerifier, Outcome};
use baken_domain::auth::Permission;
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::sql::{Bind, SqlBuilder};

use crate::{Actor, Page, Paged, Store, StoreError, now_ms};

/// Who did something, as the audit chain records it.
#[derive(Debug, Clone)]
pub(crate) struct Who {
    pub user_id: Option<i64>,
    pub org_id: Option<i64>,
    pub label: String,
}

impl Who {
    pub(crate) fn actor(actor: &Actor) -> Self {
        Self {
            user_id: Some(actor.user_id()),
            org_id: Some(actor.org_id()),
            label: actor.email().to_owned(),
        }
    }

    pub(crate) fn anonymous(label: impl Into<String>) -> Self {
        Self {
            user_id: None,
            org_id: None,
            label: label.into(),
        }
    }
}

/// What one audit record says, before it is sealed into the chain.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub who: Who,
    pub action: &'static str,
    pub object_type: Option<&'static str>,
    pub object_id: Option<String>,
    pub subject_org_id: Option<i64>,
    pub outcome: Outcome,
    pub detail: Value,
}

impl Entry {
    pub(crate) fn new(who: Who, action: &'static str) -> Self {
        Self {
            who,
            action,
            object_type: None,
            object_id: None,
            subject_org_id: None,
            outcome: Outcome::Ok,
            detail: Value::Object(Default::default()),
        }
    }

    pub(crate) fn object(mut self, object_type: &'static str, id: impl ToString) -> Self {
        self.object_type = Some(object_type);
        self.object_id = Some(id.to_string());
        self
    }

    pub(crate) fn subject_org(mut self, org_id: i64) -> Self {
        self.subject_org_id = Some(org_id);
        self
    }

    pub(crate) fn outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }

    pub(crate) fn detail(mut self, detail: Value) -> Self {
        self.detail = detail;
        self
    }
}

impl Store {
    /// Appends one record in a transaction of its own: for reads of personal data and refusals,
    /// which change nothing else.
    pub(crate) async fn audit_alone(&self, entry: Entry) -> Result<(), StoreError> {
        let mut tx = self.db.begin().await?;
        append(&mut tx, &self.audit_key, entry).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Appends one record to the chain on `conn` (inside the caller's transaction).
pub(crate) async fn append(
    conn: &mut AnyConnection,
    key: &baken_domain::audit::AuditKey,
    entry: Entry,
) -> Result<i64, StoreError> {
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut *conn)
        .await?;
    let seq: i64 = head.try_get("seq")?;
    let prev_hash: String = head.try_get("hash")?;
    let mut record = AuditRecord {
        seq,
        occurred_at: now_ms(),
        actor_user_id: entry.who.user_id,
        actor_org_id: entry.who.org_id,
        actor_label: entry.who.label,
        action: entry.action.to_owned(),
        object_type: entry.object_type.map(str::to_owned),
        object_id: entry.object_id,
        outcome: entry.outcome,
        detail: entry.detail.to_string(),
        prev_hash: String::new(),
        hash: String::new(),
    };
    record.seal(&prev_hash, key);
    sqlx::query(
        "INSERT INTO audit_log (seq, occurred_at, actor_user_id, actor_org_id, actor_label, action, \
         object_type, object_id, subject_org_id, outcome, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(record.seq)
    .bind(record.occurred_at)
    .bind(record.actor_user_id)
    .bind(record.actor_org_id)
    .bind(&record.actor_label)
    .bind(&record.action)
    .bind(&record.object_type)
    .bind(&record.object_id)
    .bind(entry.subject_org_id)
    .bind(record.outcome.code())
    .bind(&record.detail)
    .bind(&record.prev_hash)
    .bind(&record.hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&record.hash)
        .execute(&mut *conn)
        .await?;
    Ok(seq)
}

/// What `baken audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    pub checked: u64,
    pub first_break: Option<ChainBreak>,
}

/// Filters for the audit page and API. All optional; combined with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Part of the actor's label (e-mail address).
    pub who: Option<String>,
    /// Prefix of the action, e.g. `auth.` or `org.user.read`.
    pub action: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub outcome: Option<Outcome>,
    /// From and to, Unix milliseconds, inclusive.
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
}

/// An audit record as the audit page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntryView {
    pub seq: i64,
    pub occurred_at: i64,
    pub actor_label: String,
    pub action: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub outcome: Outcome,
    pub detail: String,
}

const RECORD_COLUMNS: &str = "seq, occurred_at, actor_user_id, actor_org_id, actor_label, action, \
     object_type, object_id, outcome, detail, prev_hash, hash";

fn record_from_row(row: &AnyRow) -> Result<AuditRecord, StoreError> {
    let outcome: String = row.try_get("outcome")?;
    Ok(AuditRecord {
        seq: row.try_get("seq")?,
        occurred_at: row.try_get("occurred_at")?,
        actor_user_id: row.try_get("actor_user_id")?,
        actor_org_id: row.try_get("actor_org_id")?,
        actor_label: row.try_get("actor_label")?,
        action: row.try_get("action")?,
        object_type: row.try_get("object_type")?,
        object_id: row.try_get("object_id")?,
        // An unknown outcome code cannot hash to the stored value, so verification reports it.
        outcome: Outcome::from_code(&outcome).unwrap_or(Outcome::Failed),
        detail: row.try_get("detail")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

impl Store {
    /// Walks the whole chain in batches and reports the first break, if any.
    pub async fn verify_audit_chain(&self) -> Result<VerifyReport, StoreError> {
        const BATCH: i64 = 5_000;
        let mut verifier = ChainVerifier::new(&self.audit_key);
        let mut after = 0_i64;
        let mut checked = 0_u64;
        loop {
            let sql = format!(
                "SELECT {RECORD_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(after)
                .bind(BATCH)
                .fetch_all(&self.db.pool)
                .await?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                let record = record_from_row(row)?;
                after = record.seq;
                if let Err(broken) = verifier.check(&record) {
                    return Ok(VerifyReport {
                        checked,
                        first_break: Some(broken),
                    });
                }
                checked += 1;
            }
        }
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&self.db.pool)
            .await?;
        let head_seq: i64 = head.try_get("seq")?;
        let head_hash: String = head.try_get("hash")?;
        match verifier.finish(head_seq, &head_hash) {
            Ok(checked) => Ok(VerifyReport {
                checked,
                first_break: None,
            }),
            Err(broken) => Ok(VerifyReport {
                checked,
                first_break: Some(broken),
            }),
        }
    }

    /// The audit records about the actor's organisation: what its users did, and what anyone
    /// did to its data. Needs [`Permission::ViewAudit`]; reading the log is itself recorded.
    pub async fn audit_entries(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        page: Page,
    ) -> Result<Paged<AuditEntryView>, StoreError> {
        self.require(actor, Permission::ViewAudit, "audit.read")
            .await?;
        let mut tx = self.db.begin().await?;
        let org = actor.org_id();

        let mut sql = SqlBuilder::default();
        sql.push(" FROM audit_log WHERE (actor_org_id = ")
            .bind(Bind::Int(org))
            .push(" OR subject_org_id = ")
            .bind(Bind::Int(org))
            .push(")");
        if let Some(who) = filter.who.as_deref().filter(|s| !s.trim().is_empty()) {
            sql.push(" AND LOWER(actor_label) LIKE ")
                .bind(Bind::Text(format!(
                    "%{}%",
                    escape_like(&who.trim().to_lowercase())
                )))
                .push(" ESCAPE '\\'");
        }
        if let Some(action) = filter.action.as_deref().filter(|s| !s.trim().is_empty()) {
            sql.push(" AND action LIKE ")
                .bind(Bind::Text(format!("{}%", escape_like(action.trim()))))
                .push(" ESCAPE '\\'");
        }
        if let Some(t) = filter
            .object_type
            .as_deref()
            .filter(|s| !s.trim().is_empty())
        {
            sql.push(" AND object_type = ")
                .bind(Bind::Text(t.trim().to_owned()));
        }
        if let Some(id) = filter.object_id.as_deref().filter(|s| !s.trim().is_empty()) {
            sql.push(" AND object_id = ")
                .bind(Bind::Text(id.trim().to_owned()));
        }
        if let Some(outcome) = filter.outcome {
            sql.push(" AND outcome = ")
                .bind(Bind::Text(outcome.code().to_owned()));
        }
        if let Some(from) = filter.from_ms {
            sql.push(" AND occurred_at >= ").bind(Bind::Int(from));
        }
        if let Some(to) = filter.to_ms {
            sql.push(" AND occurred_at <= ").bind(Bind::Int(to));
        }

        let total: i64 = sql
            .query("SELECT COUNT(*) AS n")
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        let mut page_sql = sql.clone();
        page_sql
            .push(" ORDER BY seq DESC LIMIT ")
            .bind(Bind::Int(page.limit()))
            .push(" OFFSET ")
            .bind(Bind::Int(page.offset()));
        let rows = page_sql
            .query(&format!("SELECT {RECORD_COLUMNS}"))
            .fetch_all(&mut *tx)
            .await?;
        let items = rows
            .iter()
            .map(|row| {
                let r = record_from_row(row)?;
                Ok(AuditEntryView {
                    seq: r.seq,
                    occurred_at: r.occurred_at,
                    actor_label: r.actor_label,
                    action: r.action,
                    object_type: r.object_type,
                    object_id: r.object_id,
                    outcome: r.outcome,
                    detail: r.detail,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;

        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "audit.read")
                .subject_org(org)
                .detail(serde_json::json!({
                    "filter": format!("{filter:?}"),
                    "page": page.number,
                    "returned": items.len(),
                })),
        )
        .await?;
        tx.commit().await?;
        Ok(Paged { items, page, total })
    }
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
