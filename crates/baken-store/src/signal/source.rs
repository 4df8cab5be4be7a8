//! Source research inside the municipality: connected extracts of municipal registers answer
//! hit or no-hit for a signal's subjects; only sources approved in privacy check 1 can be asked
//! (the store refuses the rest); a hit's details open only after a separate request and the
//! privacy officer's approval. Every question, answer, request, decision and opening is audited.
//! Also a signal's attachments, sealed like everything else personal.

use baken_domain::audit::Outcome;
use baken_domain::auth::Permission;
use baken_domain::signal::{State, SubjectKind};
use baken_import::signal::{ExtractKey, ExtractRow};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::audit::{Entry, Who, append};
use crate::org::{Owned, OwnedId};
use crate::{Actor, Store, StoreError, now_ms};

const DETAIL_CONTEXT: &str = "source.detail";
const REASON_CONTEXT: &str = "source.reason";
const ATTACHMENT_CONTEXT: &str = "signal.attachment";

/// A connected source: one register's extract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConnectedSource {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// The data source in the matrices' catalogue (`/matrices/bronnen`) it is an extract of.
    pub matrix_source: String,
    pub department: String,
    pub entries: i64,
    pub refreshed_at: i64,
}

/// One hit/no-hit question and where its detail request stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    pub id: i64,
    pub source: String,
    pub subject_id: i64,
    pub hit: bool,
    pub asked_by: String,
    pub asked_at: i64,
    pub detail: DetailState,
}

/// Where a hit's detail request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DetailState {
    NotRequested,
    Requested,
    Approved,
    Refused,
}

impl DetailState {
    pub fn code(self) -> &'static str {
        match self {
            Self::NotRequested => "niet-gevraagd",
            Self::Requested => "gevraagd",
            Self::Approved => "goedgekeurd",
            Self::Refused => "afgewezen",
        }
    }
}

/// An attachment without its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentMeta {
    pub id: i64,
    pub name: String,
    pub media_type: String,
    pub size: i64,
    pub added_by: String,
    pub added_at: i64,
}

fn source_from_row(r: &sqlx::any::AnyRow) -> Result<ConnectedSource, StoreError> {
    Ok(ConnectedSource {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        matrix_source: r.try_get("matrix_source")?,
        department: r.try_get("department")?,
        entries: r.try_get("entries")?,
        refreshed_at: r.try_get("refreshed_at")?,
    })
}

const SOURCE_COLUMNS: &str = "id, code, name, matrix_source, department, entries, refreshed_at";

impl Store {
    pub(crate) async fn source_id(&self, org: i64, code: &str) -> Result<Option<i64>, StoreError> {
        Ok(
            sqlx::query("SELECT id FROM connected_sources WHERE org_id = $1 AND code = $2")
                .bind(org)
                .bind(code)
                .fetch_optional(&self.db.pool)
                .await?
                .map(|r| r.try_get("id"))
                .transpose()?,
        )
    }

    /// Connects (or refreshes) a register's extract as a source: every entry replaced at once.
    pub async fn connect_source(
        &self,
        actor: &Actor,
        code: &str,
        name: &str,
        matrix_source: &str,
        department: &str,
        rows: &[ExtractRow],
    ) -> Result<ConnectedSource, StoreError> {
        self.require(actor, Permission::ConnectSources, "source.connect")
            .await?;
        let code = code.trim();
        let valid = (2..=40).contains(&code.len())
            && code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid {
            return Err(StoreError::Invalid {
                field: "code",
                reason: "2 to 40 lowercase letters, digits and hyphens".into(),
            });
        }
        if name.trim().is_empty() || name.chars().count() > 120 {
            return Err(StoreError::Invalid {
                field: "naam",
                reason: "a source needs a name of at most 120 characters".into(),
            });
        }
        let key = self.data_key()?;
        let org = actor.org_id();
        let mut tx = self.db.begin().await?;
        let existing =
            sqlx::query("SELECT id FROM connected_sources WHERE org_id = $1 AND code = $2")
                .bind(org)
                .bind(code)
                .fetch_optional(&mut *tx)
                .await?;
        let now = now_ms();
        let id: i64 = match existing {
            Some(r) => {
                let id: i64 = r.try_get("id")?;
                sqlx::query("DELETE FROM source_entries WHERE source_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "UPDATE connected_sources SET name = $1, matrix_source = $2, department = $3, entries = $4, \
                     refreshed_by = $5, refreshed_at = $6 WHERE id = $7",
                )
                .bind(name.trim())
                .bind(matrix_source.trim())
                .bind(department.trim())
                .bind(rows.len() as i64)
                .bind(actor.email())
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                id
            }
            None => sqlx::query(
                "INSERT INTO connected_sources (org_id, code, name, matrix_source, department, entries, refreshed_by, refreshed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(org)
            .bind(code)
            .bind(name.trim())
            .bind(matrix_source.trim())
            .bind(department.trim())
            .bind(rows.len() as i64)
            .bind(actor.email())
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?,
        };
        for row in rows {
            let (kind, entry_key) = match &row.key {
                ExtractKey::Person(basis) => (SubjectKind::Person, key.pseudonym(org, basis)),
                ExtractKey::Company(k) => (SubjectKind::Company, format!("kvk:{k}")),
                ExtractKey::Address(k) => (SubjectKind::Address, k.clone()),
            };
            let details: serde_json::Map<String, serde_json::Value> = row
                .details
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                .collect();
            sqlx::query(
                "INSERT INTO source_entries (source_id, kind, key, detail_sealed) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(kind.code())
            .bind(&entry_key)
            .bind(key.seal(DETAIL_CONTEXT, &serde_json::Value::Object(details).to_string())?)
            .execute(&mut *tx)
            .await?;
        }
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "source.connect")
                .object("source", id)
                .subject_org(org)
                .detail(
                    json!({ "code": code, "entries": rows.len(), "matrix_source": matrix_source }),
                ),
        )
        .await?;
        tx.commit().await?;
        self.connected_sources(actor)
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or(StoreError::NotFound)
    }

    /// The organisation's connected sources.
    pub async fn connected_sources(
        &self,
        actor: &Actor,
    ) -> Result<Vec<ConnectedSource>, StoreError> {
        if !actor.can(Permission::ConnectSources) {
            self.require(actor, Permission::ViewSignals, "source.list")
                .await?;
        }
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {SOURCE_COLUMNS} FROM connected_sources WHERE org_id = $1 ORDER BY name"
        ));
        let rows = sqlx::query(sql)
            .bind(actor.org_id())
            .fetch_all(&self.db.pool)
            .await?;
        rows.iter().map(source_from_row).collect()
    }

    pub(crate) async fn approved_sources(
        &self,
        signal: i64,
    ) -> Result<Vec<ConnectedSource>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {SOURCE_COLUMNS} FROM connected_sources WHERE id IN \
             (SELECT source_id FROM signal_source_approvals WHERE signal_id = $1) ORDER BY name"
        ));
        let rows = sqlx::query(sql)
            .bind(signal)
            .fetch_all(&self.db.pool)
            .await?;
        rows.iter().map(source_from_row).collect()
    }

    pub(crate) async fn questions_of(&self, signal: i64) -> Result<Vec<Question>, StoreError> {
        let rows = sqlx::query(
            "SELECT q.id, c.code, q.subject_id, q.hit, q.asked_by, q.asked_at, q.detail_requested_at, q.detail_approved \
             FROM source_questions q JOIN connected_sources c ON c.id = q.source_id WHERE q.signal_id = $1 ORDER BY q.id",
        )
        .bind(signal)
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let requested: Option<i64> = r.try_get("detail_requested_at")?;
                let approved: Option<i64> = r.try_get("detail_approved")?;
                Ok(Question {
                    id: r.try_get("id")?,
                    source: r.try_get("code")?,
                    subject_id: r.try_get("subject_id")?,
                    hit: r.try_get::<i64, _>("hit")? != 0,
                    asked_by: r.try_get("asked_by")?,
                    asked_at: r.try_get("asked_at")?,
                    detail: match (requested, approved) {
                        (None, _) => DetailState::NotRequested,
                        (Some(_), None) => DetailState::Requested,
                        (Some(_), Some(0)) => DetailState::Refused,
                        (Some(_), Some(_)) => DetailState::Approved,
                    },
                })
            })
            .collect()
    }

    /// Asks one source hit/no-hit for every subject of a signal in source research. The answer
    /// is a boolean per subject, nothing more. A source that privacy check 1 did not approve
    /// for this signal is refused, and the refusal audited.
    pub async fn ask_source(
        &self,
        actor: &Actor,
        signal: i64,
        source_code: &str,
    ) -> Result<Vec<Question>, StoreError> {
        self.require(actor, Permission::AskSources, "source.ask")
            .await?;
        self.require_owned(actor, Owned::Signal, OwnedId::Int(signal))
            .await?;
        let summary = self.signal_summary(actor.org_id(), signal).await?;
        if summary.state != State::SourceResearch {
            return Err(StoreError::Invalid {
                field: "status",
                reason: format!(
                    "sources are asked in source research, not in {}",
                    summary.state
                ),
            });
        }
        let approved = sqlx::query(
            "SELECT c.id FROM connected_sources c JOIN signal_source_approvals a ON a.source_id = c.id \
             WHERE a.signal_id = $1 AND c.code = $2 AND c.org_id = $3",
        )
        .bind(signal)
        .bind(source_code)
        .bind(actor.org_id())
        .fetch_optional(&self.db.pool)
        .await?;
        let Some(approved) = approved else {
            self.audit_alone(
            Entry::new(Who::actor(actor), "source.ask")
                .object("signal", signal)
                .subject_org(actor.org_id())
                .outcome(Outcome::Denied)
                .detail(json!({ "source": source_code, "reason": "not approved in privacy check 1" }))
            )
            .await?;
            return Err(StoreError::Invalid {
                field: "bron",
                reason: format!(
                    "{source_code:?} was not approved in privacy check 1 for this signal"
                ),
            });
        };
        let source_id: i64 = approved.try_get("id")?;
        let subjects = sqlx::query(
            "SELECT s.id, s.kind, s.key, s.alt_key FROM subjects s JOIN signal_subjects x ON x.subject_id = s.id \
             WHERE x.signal_id = $1 ORDER BY s.id",
        )
        .bind(signal)
        .fetch_all(&self.db.pool)
        .await?;
        let mut tx = self.db.begin().await?;
        for s in &subjects {
            let subject_id: i64 = s.try_get("id")?;
            let kind: String = s.try_get("kind")?;
            let key: String = s.try_get("key")?;
            let alt: String = s.try_get("alt_key")?;
            let hit = sqlx::query(
                "SELECT 1 AS one FROM source_entries WHERE source_id = $1 AND kind = $2 AND (key = $3 OR key = $4) LIMIT 1",
            )
            .bind(source_id)
            .bind(&kind)
            .bind(&key)
            .bind(if alt.is_empty() { &key } else { &alt })
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
            let qid: i64 = sqlx::query(
                "INSERT INTO source_questions (signal_id, source_id, subject_id, hit, asked_by, asked_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(signal)
            .bind(source_id)
            .bind(subject_id)
            .bind(i64::from(hit))
            .bind(actor.email())
            .bind(now_ms())
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
            append(
                &mut tx,
                &self.audit_key,
                Entry::new(Who::actor(actor), "source.ask")
                    .object("source-question", qid)
                    .subject_org(actor.org_id())
                    .detail(json!({ "signal": signal, "source": source_code, "subject": subject_id, "hit": hit })),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(self
            .questions_of(signal)
            .await?
            .into_iter()
            .filter(|q| q.source == source_code)
            .collect())
    }

    async fn own_question(
        &self,
        actor: &Actor,
        question: i64,
    ) -> Result<(i64, bool, Option<i64>, Option<i64>), StoreError> {
        let row = sqlx::query(
            "SELECT q.signal_id, q.hit, q.detail_requested_at, q.detail_approved, s.org_id FROM source_questions q \
             JOIN signals s ON s.id = q.signal_id WHERE q.id = $1",
        )
        .bind(question)
        .fetch_optional(&self.db.pool)
        .await?;
        match row {
            Some(r) if r.try_get::<i64, _>("org_id")? == actor.org_id() => Ok((
                r.try_get("signal_id")?,
                r.try_get::<i64, _>("hit")? != 0,
                r.try_get("detail_requested_at")?,
                r.try_get("detail_approved")?,
            )),
            other => {
                let owner = other.map(|r| r.try_get("org_id")).transpose()?;
                Err(self
                    .not_found(actor, "source-question", &question.to_string(), owner)
                    .await)
            }
        }
    }

    /// Requests a hit's details, with the reason they are needed.
    /// Returns the signal the question belongs to.
    pub async fn request_detail(
        &self,
        actor: &Actor,
        question: i64,
        reason: &str,
    ) -> Result<i64, StoreError> {
        self.require(actor, Permission::AskSources, "source.detail.request")
            .await?;
        let (signal, hit, requested, _) = self.own_question(actor, question).await?;
        if !hit {
            return Err(StoreError::Invalid {
                field: "vraag",
                reason: "a no-hit has no details".into(),
            });
        }
        if requested.is_some() {
            return Err(StoreError::Conflict {
                field: "detailverzoek",
            });
        }
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 2000 {
            return Err(StoreError::Invalid {
                field: "motivering",
                reason: "say why the details are needed (at most 2000 characters)".into(),
            });
        }
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "UPDATE source_questions SET detail_reason_sealed = $1, detail_requested_by = $2, detail_requested_at = $3 WHERE id = $4",
        )
        .bind(self.data_key()?.seal(REASON_CONTEXT, reason)?)
        .bind(actor.email())
        .bind(now_ms())
        .bind(question)
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "source.detail.request")
                .object("source-question", question)
                .subject_org(actor.org_id())
                .detail(json!({ "signal": signal })),
        )
        .await?;
        tx.commit().await?;
        Ok(signal)
    }

    /// The privacy officer approves or refuses a detail request.
    /// Returns the signal the question belongs to.
    pub async fn decide_detail(
        &self,
        actor: &Actor,
        question: i64,
        approve: bool,
    ) -> Result<i64, StoreError> {
        self.require(
            actor,
            Permission::ApprovePrivacyCheck,
            "source.detail.decide",
        )
        .await?;
        let (signal, _, requested, decided) = self.own_question(actor, question).await?;
        if requested.is_none() || decided.is_some() {
            return Err(StoreError::Invalid {
                field: "vraag",
                reason: "only an open detail request can be decided".into(),
            });
        }
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "UPDATE source_questions SET detail_decided_by = $1, detail_decided_at = $2, detail_approved = $3 WHERE id = $4",
        )
        .bind(actor.email())
        .bind(now_ms())
        .bind(i64::from(approve))
        .bind(question)
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "source.detail.decide")
                .object("source-question", question)
                .subject_org(actor.org_id())
                .detail(json!({ "signal": signal, "approved": approve })),
        )
        .await?;
        tx.commit().await?;
        Ok(signal)
    }

    /// Opens an approved hit's details from the register's extract (audited).
    pub async fn open_detail(
        &self,
        actor: &Actor,
        question: i64,
    ) -> Result<Vec<serde_json::Map<String, serde_json::Value>>, StoreError> {
        self.require(actor, Permission::OpenSourceDetails, "source.detail.open")
            .await?;
        let (signal, _, _, approved) = self.own_question(actor, question).await?;
        if approved != Some(1) {
            return Err(self
                .authorize_denied(actor, "source.detail.open", question)
                .await);
        }
        let rows = sqlx::query(
            "SELECT e.detail_sealed FROM source_questions q JOIN subjects s ON s.id = q.subject_id \
             JOIN source_entries e ON e.source_id = q.source_id AND e.kind = s.kind AND (e.key = s.key OR e.key = s.alt_key) \
             WHERE q.id = $1",
        )
        .bind(question)
        .fetch_all(&self.db.pool)
        .await?;
        let key = self.data_key()?;
        let mut out = Vec::new();
        for r in &rows {
            let text = key.open(DETAIL_CONTEXT, &r.try_get::<String, _>("detail_sealed")?)?;
            if let Ok(serde_json::Value::Object(map)) = serde_json::from_str(&text) {
                out.push(map);
            }
        }
        self.audit_alone(
            Entry::new(Who::actor(actor), "source.detail.open")
                .object("source-question", question)
                .subject_org(actor.org_id())
                .detail(json!({ "signal": signal, "records": out.len() })),
        )
        .await?;
        Ok(out)
    }

    async fn authorize_denied(
        &self,
        actor: &Actor,
        action: &'static str,
        question: i64,
    ) -> StoreError {
        let entry = Entry::new(Who::actor(actor), action)
            .object("source-question", question)
            .subject_org(actor.org_id())
            .outcome(Outcome::Denied)
            .detail(json!({ "reason": "details not approved" }));
        match self.audit_alone(entry).await {
            Ok(()) => StoreError::Forbidden(Permission::OpenSourceDetails),
            Err(e) => e,
        }
    }

    pub(crate) async fn attachments_of(
        &self,
        signal: i64,
    ) -> Result<Vec<AttachmentMeta>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, media_type, size, added_by, added_at FROM signal_attachments WHERE signal_id = $1 ORDER BY id",
        )
        .bind(signal)
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AttachmentMeta {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    media_type: r.try_get("media_type")?,
                    size: r.try_get("size")?,
                    added_by: r.try_get("added_by")?,
                    added_at: r.try_get("added_at")?,
                })
            })
            .collect()
    }

    /// Adds an attachment already checked and stripped by the caller (sealed at rest).
    pub async fn add_attachment(
        &self,
        actor: &Actor,
        signal: i64,
        name: &str,
        media_type: &str,
        content: &[u8],
    ) -> Result<i64, StoreError> {
        self.require(actor, Permission::RegisterSignal, "signal.attachment.add")
            .await?;
        self.require_owned(actor, Owned::Signal, OwnedId::Int(signal))
            .await?;
        let sealed = self.data_key()?.seal_bytes(ATTACHMENT_CONTEXT, content)?;
        let mut tx = self.db.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO signal_attachments (signal_id, name, media_type, size, content_sealed, added_by, added_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(signal)
        .bind(name)
        .bind(media_type)
        .bind(content.len() as i64)
        .bind(&sealed)
        .bind(actor.email())
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "signal.attachment.add")
                .object("signal", signal)
                .subject_org(actor.org_id())
                .detail(
                    json!({ "attachment": id, "media_type": media_type, "size": content.len() }),
                ),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// An attachment's name, type and content (audited).
    pub async fn attachment(
        &self,
        actor: &Actor,
        signal: i64,
        id: i64,
    ) -> Result<(String, String, Vec<u8>), StoreError> {
        self.require(actor, Permission::ViewSignals, "signal.attachment.read")
            .await?;
        self.require_owned(actor, Owned::Signal, OwnedId::Int(signal))
            .await?;
        let row = sqlx::query(
            "SELECT name, media_type, content_sealed FROM signal_attachments WHERE id = $1 AND signal_id = $2",
        )
        .bind(id)
        .bind(signal)
        .fetch_optional(&self.db.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let content = self.data_key()?.open_bytes(
            ATTACHMENT_CONTEXT,
            &row.try_get::<String, _>("content_sealed")?,
        )?;
        self.audit_alone(
            Entry::new(Who::actor(actor), "signal.attachment.read")
                .object("signal", signal)
                .subject_org(actor.org_id())
                .detail(json!({ "attachment": id })),
        )
        .await?;
        Ok((row.try_get("name")?, row.try_get("media_type")?, content))
    }
}
