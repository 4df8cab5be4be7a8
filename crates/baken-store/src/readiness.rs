//! Readiness: an organisation's self-assessment rounds and its members' answers, and each
//! user's progress through the e-learning. Answers are checked against the self-assessment by
//! the caller (the domain does that); the store enforces the organisation, the open round and
//! one submission per member.

use std::collections::BTreeMap;

use baken_domain::auth::Permission;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::audit::{Entry, Who, append};
use crate::org::{Owned, OwnedId};
use crate::{Actor, Store, StoreError, now_ms};

/// A self-assessment round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Round {
    pub id: i64,
    pub note: String,
    pub started_by: String,
    pub started_at: i64,
    pub closed_at: Option<i64>,
    pub responses: i64,
    /// Whether the actor has answered in it.
    pub answered: bool,
}

/// One member's answers in a round: question id → level.
pub type RoundAnswers = BTreeMap<String, u8>;

impl Store {
    async fn own_round(&self, actor: &Actor, id: i64) -> Result<Option<i64>, StoreError> {
        self.require_owned(actor, Owned::ReadinessRound, OwnedId::Int(id))
            .await?;
        Ok(
            sqlx::query("SELECT closed_at FROM readiness_rounds WHERE id = $1")
                .bind(id)
                .fetch_one(&self.db.pool)
                .await?
                .try_get("closed_at")?,
        )
    }

    /// The organisation's rounds, newest first.
    pub async fn readiness_rounds(&self, actor: &Actor) -> Result<Vec<Round>, StoreError> {
        self.require(actor, Permission::TakeReadiness, "readiness.rounds")
            .await?;
        let rows = sqlx::query(
            "SELECT r.id, r.note, r.started_by, r.started_at, r.closed_at, \
             (SELECT COUNT(*) FROM readiness_responses x WHERE x.round_id = r.id) AS responses, \
             (SELECT COUNT(*) FROM readiness_responses x WHERE x.round_id = r.id AND x.user_id = $2) AS mine \
             FROM readiness_rounds r WHERE r.org_id = $1 ORDER BY r.started_at DESC, r.id DESC",
        )
        .bind(actor.org_id())
        .bind(actor.user_id())
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Round {
                    id: r.try_get("id")?,
                    note: r.try_get("note")?,
                    started_by: r.try_get("started_by")?,
                    started_at: r.try_get("started_at")?,
                    closed_at: r.try_get("closed_at")?,
                    responses: r.try_get("responses")?,
                    answered: r.try_get::<i64, _>("mine")? > 0,
                })
            })
            .collect()
    }

    /// Starts a round for the organisation; returns its id.
    pub async fn start_readiness_round(
        &self,
        actor: &Actor,
        note: &str,
    ) -> Result<i64, StoreError> {
        self.require(actor, Permission::TakeReadiness, "readiness.round.start")
            .await?;
        let mut tx = self.db.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO readiness_rounds (org_id, note, started_by, started_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(actor.org_id())
        .bind(note.chars().take(200).collect::<String>())
        .bind(actor.email())
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "readiness.round.start")
                .object("readiness-round", id)
                .subject_org(actor.org_id()),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Stores the actor's answers in an open round of its organisation (replacing earlier
    /// ones while the round is open). A closed round refuses them.
    pub async fn submit_readiness_answers(
        &self,
        actor: &Actor,
        round: i64,
        answers: &RoundAnswers,
    ) -> Result<(), StoreError> {
        self.require(actor, Permission::TakeReadiness, "readiness.answer")
            .await?;
        if self.own_round(actor, round).await?.is_some() {
            return Err(StoreError::Invalid {
                field: "ronde",
                reason: "the round is closed; start a new round".into(),
            });
        }
        let json =
            serde_json::to_string(answers).map_err(|e| StoreError::Internal(e.to_string()))?;
        let mut tx = self.db.begin().await?;
        sqlx::query("DELETE FROM readiness_responses WHERE round_id = $1 AND user_id = $2")
            .bind(round)
            .bind(actor.user_id())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO readiness_responses (round_id, user_id, answers, submitted_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(round)
        .bind(actor.user_id())
        .bind(&json)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "readiness.answer")
                .object("readiness-round", round)
                .subject_org(actor.org_id())
                .detail(json!({ "answers": answers.len() })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Closes a round: no more answers.
    pub async fn close_readiness_round(&self, actor: &Actor, round: i64) -> Result<(), StoreError> {
        self.require(actor, Permission::TakeReadiness, "readiness.round.close")
            .await?;
        if self.own_round(actor, round).await?.is_some() {
            return Err(StoreError::Invalid {
                field: "ronde",
                reason: "the round is closed already".into(),
            });
        }
        let mut tx = self.db.begin().await?;
        sqlx::query("UPDATE readiness_rounds SET closed_at = $1 WHERE id = $2")
            .bind(now_ms())
            .bind(round)
            .execute(&mut *tx)
            .await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "readiness.round.close")
                .object("readiness-round", round)
                .subject_org(actor.org_id()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The answers of every member in a round of the actor's organisation, and the actor's own.
    pub async fn readiness_answers(
        &self,
        actor: &Actor,
        round: i64,
    ) -> Result<(Vec<RoundAnswers>, Option<RoundAnswers>), StoreError> {
        self.require(actor, Permission::TakeReadiness, "readiness.results")
            .await?;
        self.own_round(actor, round).await?;
        let rows = sqlx::query(
            "SELECT user_id, answers FROM readiness_responses WHERE round_id = $1 ORDER BY user_id",
        )
        .bind(round)
        .fetch_all(&self.db.pool)
        .await?;
        let mut all = Vec::new();
        let mut own = None;
        for r in rows {
            let answers: RoundAnswers =
                serde_json::from_str(&r.try_get::<String, _>("answers")?)
                    .map_err(|e| StoreError::Internal(format!("answers: {e}")))?;
            if r.try_get::<i64, _>("user_id")? == actor.user_id() {
                own = Some(answers.clone());
            }
            all.push(answers);
        }
        Ok((all, own))
    }

    /// Every other organisation's latest closed round: the members' answers, one list per
    /// organisation. The caller shows their average only when enough took part.
    pub async fn readiness_others(
        &self,
        actor: &Actor,
    ) -> Result<Vec<Vec<RoundAnswers>>, StoreError> {
        self.require(actor, Permission::TakeReadiness, "readiness.compare")
            .await?;
        let rows = sqlx::query(
            "SELECT r.org_id, x.answers FROM readiness_rounds r JOIN readiness_responses x ON x.round_id = r.id \
             WHERE r.org_id <> $1 AND r.closed_at IS NOT NULL AND r.id = \
             (SELECT MAX(id) FROM readiness_rounds s WHERE s.org_id = r.org_id AND s.closed_at IS NOT NULL) \
             ORDER BY r.org_id",
        )
        .bind(actor.org_id())
        .fetch_all(&self.db.pool)
        .await?;
        let mut by_org: BTreeMap<i64, Vec<RoundAnswers>> = BTreeMap::new();
        for r in rows {
            let answers: RoundAnswers =
                serde_json::from_str(&r.try_get::<String, _>("answers")?)
                    .map_err(|e| StoreError::Internal(format!("answers: {e}")))?;
            by_org
                .entry(r.try_get("org_id")?)
                .or_default()
                .push(answers);
        }
        Ok(by_org.into_values().collect())
    }

    /// Records an answer to a quiz question of the e-learning (the latest answer counts).
    pub async fn record_course_answer(
        &self,
        actor: &Actor,
        module: &str,
        quiz: &str,
        answer: i64,
        correct: bool,
    ) -> Result<(), StoreError> {
        self.require(actor, Permission::TakeReadiness, "readiness.course")
            .await?;
        let mut tx = self.db.begin().await?;
        sqlx::query("DELETE FROM course_progress WHERE user_id = $1 AND quiz = $2")
            .bind(actor.user_id())
            .bind(quiz)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO course_progress (user_id, module, quiz, answer, correct, answered_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(actor.user_id())
        .bind(module)
        .bind(quiz)
        .bind(answer)
        .bind(i64::from(correct))
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The actor's answers in the e-learning: quiz id → (answer index, correct).
    pub async fn course_progress(
        &self,
        actor: &Actor,
    ) -> Result<BTreeMap<String, (i64, bool)>, StoreError> {
        self.require(actor, Permission::TakeReadiness, "readiness.course")
            .await?;
        let rows =
            sqlx::query("SELECT quiz, answer, correct FROM course_progress WHERE user_id = $1")
                .bind(actor.user_id())
                .fetch_all(&self.db.pool)
                .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get::<String, _>("quiz")?,
                    (r.try_get("answer")?, r.try_get::<i64, _>("correct")? != 0),
                ))
            })
            .collect()
    }
}

impl Store {
    /// For the demo: closed rounds of an organisation, oldest first, each with its members'
    /// answers (by e-mail address), once (nothing changes when the organisation has rounds).
    pub async fn seed_demo_readiness(
        &self,
        operator: &crate::Operator,
        org_code: &str,
        rounds: &[Vec<(String, RoundAnswers)>],
    ) -> Result<bool, StoreError> {
        let org = self
            .organisation_by_code(org_code)
            .await?
            .ok_or_else(|| StoreError::UnknownOrganisation(org_code.to_owned()))?;
        let mut tx = self.db.begin().await?;
        let has: i64 = sqlx::query("SELECT COUNT(*) AS n FROM readiness_rounds WHERE org_id = $1")
            .bind(org.id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        if has > 0 {
            return Ok(false);
        }
        let year_ms: i64 = 365 * 24 * 3600 * 1000;
        let now = now_ms();
        for (n, members) in rounds.iter().enumerate() {
            let started = now - year_ms * (rounds.len() - n) as i64;
            let id: i64 = sqlx::query(
                "INSERT INTO readiness_rounds (org_id, note, started_by, started_at, closed_at) \
                 VALUES ($1, 'demo', $2, $3, $4) RETURNING id",
            )
            .bind(org.id)
            .bind(&operator.who().label)
            .bind(started)
            .bind(started + 14 * 24 * 3600 * 1000)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
            for (email, answers) in members {
                let user: Option<i64> =
                    sqlx::query("SELECT id FROM users WHERE email = $1 AND org_id = $2")
                        .bind(email)
                        .bind(org.id)
                        .fetch_optional(&mut *tx)
                        .await?
                        .map(|r| r.try_get("id"))
                        .transpose()?;
                let Some(user) = user else { continue };
                sqlx::query(
                    "INSERT INTO readiness_responses (round_id, user_id, answers, submitted_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(user)
                .bind(serde_json::to_string(answers).map_err(|e| StoreError::Internal(e.to_string()))?)
                .bind(started + 24 * 3600 * 1000)
                .execute(&mut *tx)
                .await?;
            }
        }
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(operator.who(), "readiness.seed")
                .object("organisation", org_code)
                .subject_org(org.id)
                .detail(json!({ "rounds": rounds.len() })),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}
