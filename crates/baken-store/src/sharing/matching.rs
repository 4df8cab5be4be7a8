//! Hit/no-hit between organisations (asynchronous: one asks, the other answers). The asking
//! organisation's blinded list waits here until the answering organisation answers with its own
//! list; only the asker learns which of its identifiers were hits.
//!
//! Two ways to ask: through the web, where this installation blinds the asker's list and keeps
//! its key sealed until the answer comes (then finishes the run and forgets key and points); or
//! through the API, where the asker's own machine (another installation's `baken match
//! --partner`) holds the key and fetches the answer to finish the run itself. The answering list
//! is never stored: only its size. Requests are limited per organisation per day, so no list can
//! be enumerated one identifier at a time.

use baken_domain::auth::Permission;
use baken_domain::sharing::covenant::{DataCategory, Purpose};
use baken_domain::sharing::identifier::{IdentifierKind, MAX_IDENTIFIERS};
use baken_domain::sharing::psi::{self, Answer, Asker, Key, Point};
use rand::RngExt;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::audit::{Entry, Who, append};
use crate::{Actor, Store, StoreError, now_ms};
use baken_domain::audit::Outcome;

/// The most runs an organisation may ask for in 24 hours.
pub const MAX_MATCHES_PER_DAY: i64 = 10;
/// The fewest identifiers a run may ask about: a run over one or two identifiers would be a
/// lookup of a person, not a comparison of lists.
pub const MIN_ASKED: usize = 3;

const KEY_CONTEXT: &str = "sharing.match.key";
const IDS_CONTEXT: &str = "sharing.match.ids";
const RESULT_CONTEXT: &str = "sharing.match.result";

/// Statuses of a run.
pub const ASKED: &str = "gevraagd";
pub const ANSWERED: &str = "beantwoord";
pub const FINISHED: &str = "afgerond";
pub const DECLINED: &str = "geweigerd";

/// A run as either side sees it (the asker also sees its hits once finished).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchRun {
    pub id: i64,
    pub asker_org: String,
    pub asker_name: String,
    pub responder_org: String,
    pub responder_name: String,
    pub covenant_id: i64,
    pub kind: String,
    pub status: String,
    pub asked_count: i64,
    pub held_count: Option<i64>,
    pub hit_count: Option<i64>,
    pub created_by: String,
    pub created_at: i64,
    pub answered_at: Option<i64>,
    /// The actor's organisation asked.
    pub mine: bool,
    /// The asker's hits (only for the asker, only when this installation held the key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hits: Option<Vec<String>>,
}

/// The answer for an asker whose own machine holds the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldAnswer {
    pub answer: Answer,
}

fn category_of(kind: IdentifierKind) -> DataCategory {
    match kind {
        IdentifierKind::Bsn => DataCategory::Identity,
        IdentifierKind::Coc => DataCategory::Company,
        IdentifierKind::Bag => DataCategory::Address,
    }
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn fresh_key() -> Key {
    let mut bytes = [0u8; 64];
    rand::rng().fill(&mut bytes);
    Key::from_random_bytes(bytes)
}

/// The asker's side when this installation holds its key.
pub struct WebAsk<'a> {
    pub identifiers: &'a [String],
}

impl Store {
    /// One packed point column of a run (the lists are large: read only where needed).
    async fn points_of(&self, id: i64, column: &str) -> Result<Vec<Point>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {column} AS p FROM match_requests WHERE id = $1"
        ));
        let bytes: Option<Vec<u8>> = sqlx::query(sql)
            .bind(id)
            .fetch_one(&self.db.pool)
            .await?
            .try_get("p")?;
        psi::unpack(&bytes.unwrap_or_default()).map_err(|e| StoreError::Internal(e.to_string()))
    }

    /// Asks `responder` for a run over `kind` identifiers under `covenant`. `points` are the
    /// blinded identifiers when the asker's machine holds the key; otherwise `web` carries the
    /// identifiers and this installation blinds them.
    pub async fn ask_match(
        &self,
        actor: &Actor,
        responder: &str,
        covenant: i64,
        kind: IdentifierKind,
        points: Option<Vec<Point>>,
        web: Option<WebAsk<'_>>,
    ) -> Result<i64, StoreError> {
        self.require(actor, Permission::WorkSharedCases, "sharing.match.ask")
            .await?;
        let covenant = self.party_covenant(actor, covenant).await?;
        let responder_id: i64 = sqlx::query("SELECT id FROM organisations WHERE code = $1")
            .bind(responder.trim().to_lowercase())
            .fetch_optional(&self.db.pool)
            .await?
            .map(|r| r.try_get("id"))
            .transpose()?
            .ok_or_else(|| StoreError::UnknownOrganisation(responder.to_owned()))?;
        let refuse = |field: &'static str, reason: String| StoreError::Invalid { field, reason };
        if responder_id == actor.org_id() {
            return Err(refuse("partner", "kies een andere organisatie".into()));
        }
        if covenant.party(responder_id).is_none() {
            return Err(refuse(
                "partner",
                format!("{responder} is geen partij bij het convenant"),
            ));
        }
        if covenant.status != baken_domain::sharing::CovenantStatus::Active {
            return Err(refuse(
                "convenant",
                format!("het convenant is niet actief (status: {})", covenant.status),
            ));
        }
        if !covenant.purposes.contains(&Purpose::HitNoHit) {
            return Err(refuse(
                "convenant",
                "het convenant kent het doel hit/no-hit niet".into(),
            ));
        }
        let category = category_of(kind);
        if !covenant.categories.contains(&category) {
            return Err(refuse(
                "soort",
                format!("de gegevenscategorie {category} valt niet onder het convenant"),
            ));
        }
        let since = now_ms() - 86_400_000;
        let today: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM match_requests WHERE asker_org_id = $1 AND created_at > $2",
        )
        .bind(actor.org_id())
        .bind(since)
        .fetch_one(&self.db.pool)
        .await?
        .try_get("n")?;
        if today >= MAX_MATCHES_PER_DAY {
            self.audit_alone(
                Entry::new(Who::actor(actor), "sharing.match.limit")
                    .subject_org(actor.org_id())
                    .outcome(Outcome::Denied)
                    .detail(json!({ "responder": responder, "per_day": MAX_MATCHES_PER_DAY })),
            )
            .await?;
            return Err(refuse(
                "limiet",
                format!("ten hoogste {MAX_MATCHES_PER_DAY} vergelijkingen per 24 uur"),
            ));
        }
        let (request, key_sealed, ids_sealed) = match (points, web) {
            (Some(points), None) => (points, String::new(), String::new()),
            (None, Some(web)) => {
                let key = fresh_key();
                let ids = web.identifiers.to_vec();
                let kind_code = kind.code();
                let key_bytes = key.to_bytes();
                let request = tokio::task::spawn_blocking(move || {
                    psi::blind(&key, kind_code, &ids, threads())
                })
                .await
                .map_err(|e| StoreError::Internal(e.to_string()))?;
                let data_key = self.data_key()?;
                let ids_json = serde_json::to_string(web.identifiers)
                    .map_err(|e| StoreError::Internal(e.to_string()))?;
                (
                    request,
                    data_key.seal_bytes(KEY_CONTEXT, &key_bytes)?,
                    data_key.seal(IDS_CONTEXT, &ids_json)?,
                )
            }
            _ => {
                return Err(StoreError::Internal(
                    "ask with points or with identifiers".into(),
                ));
            }
        };
        if request.len() < MIN_ASKED || request.len() > MAX_IDENTIFIERS {
            return Err(refuse(
                "lijst",
                format!(
                    "een vergelijking gaat over {MIN_ASKED} tot {MAX_IDENTIFIERS} identificerende gegevens"
                ),
            ));
        }
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO match_requests (asker_org_id, responder_org_id, covenant_id, kind, status, asked_count, \
             request_points, asker_key_sealed, asker_ids_sealed, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(actor.org_id())
        .bind(responder_id)
        .bind(covenant.id)
        .bind(kind.code())
        .bind(ASKED)
        .bind(request.len() as i64)
        .bind(psi::pack(&request))
        .bind(&key_sealed)
        .bind(&ids_sealed)
        .bind(actor.email())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        for org in [actor.org_id(), responder_id] {
            append(
                &mut tx,
                &self.audit_key,
                Entry::new(Who::actor(actor), "sharing.match.ask")
                    .object("match", id)
                    .subject_org(org)
                    .detail(json!({ "kind": kind.code(), "asked": request.len(), "covenant": covenant.id })),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn match_row(&self, actor: &Actor, id: i64) -> Result<sqlx::any::AnyRow, StoreError> {
        let row = sqlx::query(
            "SELECT m.id, m.asker_org_id, m.responder_org_id, m.covenant_id, m.kind, m.status, m.asked_count, m.held_count, \
             m.hit_count, m.asker_key_sealed, m.asker_ids_sealed, m.result_sealed, m.created_by, m.created_at, m.answered_by, m.answered_at, \
             a.code AS asker_code, a.name AS asker_name, r.code AS responder_code, r.name AS responder_name FROM match_requests m \
             JOIN organisations a ON a.id = m.asker_org_id JOIN organisations r ON r.id = m.responder_org_id WHERE m.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?;
        match row {
            Some(r)
                if r.try_get::<i64, _>("asker_org_id")? == actor.org_id()
                    || r.try_get::<i64, _>("responder_org_id")? == actor.org_id() =>
            {
                Ok(r)
            }
            other => {
                let owner = other
                    .map(|r| r.try_get::<i64, _>("asker_org_id"))
                    .transpose()?;
                Err(self.not_found(actor, "match", &id.to_string(), owner).await)
            }
        }
    }

    fn run_from_row(&self, actor: &Actor, r: &sqlx::any::AnyRow) -> Result<MatchRun, StoreError> {
        let mine = r.try_get::<i64, _>("asker_org_id")? == actor.org_id();
        let result: String = r.try_get("result_sealed")?;
        let hits = if mine && !result.is_empty() {
            let text = self.data_key()?.open(RESULT_CONTEXT, &result)?;
            Some(serde_json::from_str(&text).map_err(|e| StoreError::Internal(e.to_string()))?)
        } else {
            None
        };
        Ok(MatchRun {
            id: r.try_get("id")?,
            asker_org: r.try_get("asker_code")?,
            asker_name: r.try_get("asker_name")?,
            responder_org: r.try_get("responder_code")?,
            responder_name: r.try_get("responder_name")?,
            covenant_id: r.try_get("covenant_id")?,
            kind: r.try_get("kind")?,
            status: r.try_get("status")?,
            asked_count: r.try_get("asked_count")?,
            held_count: r.try_get("held_count")?,
            hit_count: if mine { r.try_get("hit_count")? } else { None },
            created_by: r.try_get("created_by")?,
            created_at: r.try_get("created_at")?,
            answered_at: r.try_get("answered_at")?,
            mine,
            hits,
        })
    }

    /// The runs the actor's organisation asked for or was asked, newest first.
    pub async fn matches(&self, actor: &Actor) -> Result<Vec<MatchRun>, StoreError> {
        self.require(actor, Permission::WorkSharedCases, "sharing.match.list")
            .await?;
        let rows = sqlx::query(
            "SELECT m.id, m.asker_org_id, m.responder_org_id, m.covenant_id, m.kind, m.status, m.asked_count, m.held_count, \
             m.hit_count, m.created_by, m.created_at, m.answered_at, '' AS result_sealed, a.code AS asker_code, a.name AS asker_name, r.code AS responder_code, r.name AS responder_name \
             FROM match_requests m JOIN organisations a ON a.id = m.asker_org_id JOIN organisations r ON r.id = m.responder_org_id \
             WHERE m.asker_org_id = $1 OR m.responder_org_id = $1 ORDER BY m.created_at DESC, m.id DESC",
        )
        .bind(actor.org_id())
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter().map(|r| self.run_from_row(actor, r)).collect()
    }

    /// One run; the asker's reading of its hits is audited.
    pub async fn match_run(&self, actor: &Actor, id: i64) -> Result<MatchRun, StoreError> {
        self.require(actor, Permission::WorkSharedCases, "sharing.match.read")
            .await?;
        let row = self.match_row(actor, id).await?;
        let run = self.run_from_row(actor, &row)?;
        if run.hits.is_some() {
            self.audit_alone(
                Entry::new(Who::actor(actor), "sharing.match.read")
                    .object("match", id)
                    .subject_org(actor.org_id())
                    .detail(json!({ "hits": run.hit_count })),
            )
            .await?;
        }
        Ok(run)
    }

    /// The answer for an asker whose own machine holds the key (the API's asker).
    pub async fn match_answer(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Option<HeldAnswer>, StoreError> {
        self.require(actor, Permission::WorkSharedCases, "sharing.match.read")
            .await?;
        let row = self.match_row(actor, id).await?;
        if row.try_get::<i64, _>("asker_org_id")? != actor.org_id() {
            return Err(self
                .not_found(actor, "match-answer", &id.to_string(), None)
                .await);
        }
        let status: String = row.try_get("status")?;
        if status != ANSWERED {
            return Ok(None);
        }
        let answer = Answer {
            reply: self.points_of(id, "reply_points").await?,
            theirs: self.points_of(id, "theirs_points").await?,
        };
        self.audit_alone(
            Entry::new(Who::actor(actor), "sharing.match.fetch")
                .object("match", id)
                .subject_org(actor.org_id()),
        )
        .await?;
        Ok(Some(HeldAnswer { answer }))
    }

    /// The answering organisation answers with its own list (never stored). When this
    /// installation holds the asker's key, the run is finished at once and the key and all
    /// points are forgotten.
    pub async fn answer_match(
        &self,
        actor: &Actor,
        id: i64,
        own: Vec<String>,
    ) -> Result<(), StoreError> {
        self.require(actor, Permission::WorkSharedCases, "sharing.match.answer")
            .await?;
        let row = self.match_row(actor, id).await?;
        let responder: i64 = row.try_get("responder_org_id")?;
        let asker: i64 = row.try_get("asker_org_id")?;
        if responder != actor.org_id() {
            return Err(self
                .not_found(actor, "match-question", &id.to_string(), Some(asker))
                .await);
        }
        if row.try_get::<String, _>("status")? != ASKED {
            return Err(StoreError::Conflict { field: "status" });
        }
        if own.len() > MAX_IDENTIFIERS {
            return Err(StoreError::Invalid {
                field: "lijst",
                reason: format!("ten hoogste {MAX_IDENTIFIERS} identificerende gegevens"),
            });
        }
        let kind: String = row.try_get("kind")?;
        let request = self.points_of(id, "request_points").await?;
        let held = own.len() as i64;
        let kind_for_run = kind.clone();
        let answer = tokio::task::spawn_blocking(move || {
            psi::answer(&fresh_key(), &kind_for_run, &own, &request, threads())
        })
        .await
        .map_err(|e| StoreError::Internal(e.to_string()))?
        .map_err(|e| StoreError::Invalid {
            field: "vraag",
            reason: e.to_string(),
        })?;
        let key_sealed: String = row.try_get("asker_key_sealed")?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        if key_sealed.is_empty() {
            sqlx::query(
                "UPDATE match_requests SET status = $1, held_count = $2, reply_points = $3, theirs_points = $4, \
                 request_points = NULL, answered_by = $5, answered_at = $6 WHERE id = $7",
            )
            .bind(ANSWERED)
            .bind(held)
            .bind(psi::pack(&answer.reply))
            .bind(psi::pack(&answer.theirs))
            .bind(actor.email())
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        } else {
            let data_key = self.data_key()?;
            let key_bytes: [u8; 32] = data_key
                .open_bytes(KEY_CONTEXT, &key_sealed)?
                .try_into()
                .map_err(|_| StoreError::Internal("stored run key".into()))?;
            let key = Key::from_saved(key_bytes)
                .ok_or_else(|| StoreError::Internal("stored run key".into()))?;
            let ids: Vec<String> = serde_json::from_str(
                &data_key.open(IDS_CONTEXT, &row.try_get::<String, _>("asker_ids_sealed")?)?,
            )
            .map_err(|e| StoreError::Internal(e.to_string()))?;
            let hits = tokio::task::spawn_blocking(move || {
                Asker::new(key, &kind, ids).finish(&answer, threads())
            })
            .await
            .map_err(|e| StoreError::Internal(e.to_string()))?
            .map_err(|e| StoreError::Internal(e.to_string()))?;
            let result =
                serde_json::to_string(&hits).map_err(|e| StoreError::Internal(e.to_string()))?;
            sqlx::query(
                "UPDATE match_requests SET status = $1, held_count = $2, hit_count = $3, result_sealed = $4, \
                 request_points = NULL, asker_key_sealed = '', asker_ids_sealed = '', answered_by = $5, answered_at = $6 WHERE id = $7",
            )
            .bind(FINISHED)
            .bind(held)
            .bind(hits.len() as i64)
            .bind(data_key.seal(RESULT_CONTEXT, &result)?)
            .bind(actor.email())
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        for org in [responder, asker] {
            append(
                &mut tx,
                &self.audit_key,
                Entry::new(Who::actor(actor), "sharing.match.answer")
                    .object("match", id)
                    .subject_org(org)
                    .detail(json!({ "held": held })),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The answering organisation declines to answer.
    pub async fn decline_match(&self, actor: &Actor, id: i64) -> Result<(), StoreError> {
        self.require(actor, Permission::WorkSharedCases, "sharing.match.decline")
            .await?;
        let row = self.match_row(actor, id).await?;
        let responder: i64 = row.try_get("responder_org_id")?;
        let asker: i64 = row.try_get("asker_org_id")?;
        if responder != actor.org_id() {
            return Err(self
                .not_found(actor, "match-question", &id.to_string(), Some(asker))
                .await);
        }
        let mut tx = self.db.begin().await?;
        let done = sqlx::query(
            "UPDATE match_requests SET status = $1, request_points = NULL, asker_key_sealed = '', asker_ids_sealed = '', \
             answered_by = $2, answered_at = $3 WHERE id = $4 AND status = $5",
        )
        .bind(DECLINED)
        .bind(actor.email())
        .bind(now_ms())
        .bind(id)
        .bind(ASKED)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 0 {
            return Err(StoreError::Conflict { field: "status" });
        }
        for org in [responder, asker] {
            append(
                &mut tx,
                &self.audit_key,
                Entry::new(Who::actor(actor), "sharing.match.decline")
                    .object("match", id)
                    .subject_org(org),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
