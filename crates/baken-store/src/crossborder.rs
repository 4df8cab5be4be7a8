//! Across the border: the organisation's register of cross-border cases (with counts per country
//! pair and per obstacle), the letters produced for a case (recorded on it, their values sealed),
//! and the organisation's own versions of the letter templates.

use std::collections::BTreeMap;

use baken_domain::auth::Permission;
use baken_domain::crossborder::case::{CaseOutcome, NewCase, Obstacle, country_pair};
use baken_domain::crossborder::{Country, LetterInput};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{Entry, Who, append};
use crate::{Actor, Store, StoreError, now_ms};

const NOTE_CONTEXT: &str = "crossborder.note";
const LETTER_CONTEXT: &str = "crossborder.letter";

/// A cross-border case in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrossBorderCase {
    pub id: i64,
    pub requesting_country: String,
    pub requested_country: String,
    pub pair: String,
    pub phenomenon: String,
    pub requesting_authority: String,
    pub requested_authority: String,
    pub obstacle: String,
    pub outcome: String,
    pub signal_id: Option<i64>,
    pub letters: i64,
    pub created_at: i64,
}

/// A letter recorded on a case (its values stay sealed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LetterRecord {
    pub id: i64,
    pub template: String,
    pub language: String,
    pub receiver: String,
    pub created_by: String,
    pub created_at: i64,
}

/// Counts of the register.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CaseCounts {
    pub per_pair: BTreeMap<String, i64>,
    pub per_obstacle: BTreeMap<String, i64>,
}

fn case_from_row(r: &AnyRow) -> Result<CrossBorderCase, StoreError> {
    let a: String = r.try_get("requesting_country")?;
    let b: String = r.try_get("requested_country")?;
    let pair = match (Country::from_code(&a), Country::from_code(&b)) {
        (Some(a), Some(b)) => country_pair(a, b),
        _ => format!("{a}–{b}"),
    };
    Ok(CrossBorderCase {
        id: r.try_get("id")?,
        requesting_country: a,
        requested_country: b,
        pair,
        phenomenon: r.try_get("phenomenon")?,
        requesting_authority: r.try_get("requesting_authority")?,
        requested_authority: r.try_get("requested_authority")?,
        obstacle: r.try_get("obstacle")?,
        outcome: r.try_get("outcome")?,
        signal_id: r.try_get("signal_id")?,
        letters: r.try_get("letters")?,
        created_at: r.try_get("created_at")?,
    })
}

const CASE_COLUMNS: &str = "c.id, c.requesting_country, c.requested_country, c.phenomenon, \
    c.requesting_authority, c.requested_authority, c.obstacle, c.outcome, c.signal_id, c.created_at, \
    (SELECT COUNT(*) FROM crossborder_letters l WHERE l.case_id = c.id) AS letters";

impl Store {
    /// Registers a cross-border case; a signal it names must be the organisation's own.
    pub async fn register_crossborder_case(
        &self,
        actor: &Actor,
        case: &NewCase,
    ) -> Result<i64, StoreError> {
        self.require(
            actor,
            Permission::RequestAbroad,
            "crossborder.case.register",
        )
        .await?;
        if let Some(signal) = case.signal {
            self.require_owned(
                actor,
                crate::org::Owned::Signal,
                crate::org::OwnedId::Int(signal),
            )
            .await?;
        }
        let note = if case.note.is_empty() {
            String::new()
        } else {
            self.data_key()?.seal(NOTE_CONTEXT, &case.note)?
        };
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO crossborder_cases (org_id, requesting_country, requested_country, phenomenon, \
             requesting_authority, requested_authority, obstacle, outcome, note_sealed, signal_id, created_by, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
        )
        .bind(actor.org_id())
        .bind(case.requesting_country.code())
        .bind(case.requested_country.code())
        .bind(&case.phenomenon)
        .bind(&case.requesting_authority)
        .bind(&case.requested_authority)
        .bind(case.obstacle.code())
        .bind(case.outcome.code())
        .bind(&note)
        .bind(case.signal)
        .bind(actor.email())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "crossborder.case.register")
                .object("crossborder-case", id)
                .subject_org(actor.org_id())
                .detail(json!({ "pair": country_pair(case.requesting_country, case.requested_country) })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes a case's obstacle and outcome as it develops.
    pub async fn update_crossborder_case(
        &self,
        actor: &Actor,
        id: i64,
        obstacle: Obstacle,
        outcome: CaseOutcome,
    ) -> Result<(), StoreError> {
        self.require(actor, Permission::RequestAbroad, "crossborder.case.update")
            .await?;
        self.own_case(actor, id).await?;
        let mut tx = self.db.begin().await?;
        sqlx::query("UPDATE crossborder_cases SET obstacle = $1, outcome = $2, updated_at = $3 WHERE id = $4")
            .bind(obstacle.code())
            .bind(outcome.code())
            .bind(now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "crossborder.case.update")
                .object("crossborder-case", id)
                .subject_org(actor.org_id())
                .detail(json!({ "obstacle": obstacle.code(), "outcome": outcome.code() })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn own_case(&self, actor: &Actor, id: i64) -> Result<(), StoreError> {
        let owner: Option<i64> = sqlx::query("SELECT org_id FROM crossborder_cases WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.db.pool)
            .await?
            .map(|r| r.try_get("org_id"))
            .transpose()?;
        if owner == Some(actor.org_id()) {
            Ok(())
        } else {
            Err(self
                .not_found(actor, "crossborder-case", &id.to_string(), owner)
                .await)
        }
    }

    /// The organisation's cross-border cases, newest first.
    pub async fn crossborder_cases(
        &self,
        actor: &Actor,
    ) -> Result<Vec<CrossBorderCase>, StoreError> {
        self.require(actor, Permission::UseCrossBorder, "crossborder.case.list")
            .await?;
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {CASE_COLUMNS} FROM crossborder_cases c WHERE c.org_id = $1 ORDER BY c.created_at DESC, c.id DESC"
        ));
        let rows = sqlx::query(sql)
            .bind(actor.org_id())
            .fetch_all(&self.db.pool)
            .await?;
        rows.iter().map(case_from_row).collect()
    }

    /// One case of the organisation.
    pub async fn crossborder_case(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<CrossBorderCase, StoreError> {
        self.require(actor, Permission::UseCrossBorder, "crossborder.case.read")
            .await?;
        self.own_case(actor, id).await?;
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {CASE_COLUMNS} FROM crossborder_cases c WHERE c.id = $1"
        ));
        case_from_row(&sqlx::query(sql).bind(id).fetch_one(&self.db.pool).await?)
    }

    /// Counts per country pair and per obstacle over the organisation's register.
    pub async fn crossborder_counts(&self, actor: &Actor) -> Result<CaseCounts, StoreError> {
        let cases = self.crossborder_cases(actor).await?;
        let mut counts = CaseCounts::default();
        for c in cases {
            *counts.per_pair.entry(c.pair).or_default() += 1;
            *counts.per_obstacle.entry(c.obstacle).or_default() += 1;
        }
        Ok(counts)
    }

    /// Records a produced letter on its case (values sealed: they may name a person).
    pub async fn record_letter(
        &self,
        actor: &Actor,
        case: i64,
        template: &str,
        language: &str,
        input: &LetterInput,
    ) -> Result<i64, StoreError> {
        self.require(actor, Permission::RequestAbroad, "crossborder.letter")
            .await?;
        self.own_case(actor, case).await?;
        let fields =
            serde_json::to_string(input).map_err(|e| StoreError::Internal(e.to_string()))?;
        let sealed = self.data_key()?.seal(LETTER_CONTEXT, &fields)?;
        let mut tx = self.db.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO crossborder_letters (org_id, case_id, template, language, receiver, fields_sealed, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(actor.org_id())
        .bind(case)
        .bind(template)
        .bind(language)
        .bind(input.get("ontvanger.instantie"))
        .bind(&sealed)
        .bind(actor.email())
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "crossborder.letter")
                .object("crossborder-case", case)
                .subject_org(actor.org_id())
                .detail(json!({ "letter": id, "template": template, "language": language })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The letters recorded on a case.
    pub async fn letters_of_case(
        &self,
        actor: &Actor,
        case: i64,
    ) -> Result<Vec<LetterRecord>, StoreError> {
        self.require(actor, Permission::UseCrossBorder, "crossborder.letters")
            .await?;
        self.own_case(actor, case).await?;
        let rows = sqlx::query(
            "SELECT id, template, language, receiver, created_by, created_at FROM crossborder_letters \
             WHERE case_id = $1 ORDER BY id",
        )
        .bind(case)
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(LetterRecord {
                    id: r.try_get("id")?,
                    template: r.try_get("template")?,
                    language: r.try_get("language")?,
                    receiver: r.try_get("receiver")?,
                    created_by: r.try_get("created_by")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// The organisation's own versions of letter templates: (template, language) → text.
    pub async fn letter_overrides(
        &self,
        actor: &Actor,
    ) -> Result<BTreeMap<(String, String), String>, StoreError> {
        let rows =
            sqlx::query("SELECT template, language, text FROM letter_templates WHERE org_id = $1")
                .bind(actor.org_id())
                .fetch_all(&self.db.pool)
                .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    (r.try_get("template")?, r.try_get("language")?),
                    r.try_get("text")?,
                ))
            })
            .collect()
    }

    /// Saves the organisation's version of one template's text in one language (checked by the
    /// caller: it renders in the sandbox).
    pub async fn save_letter_template(
        &self,
        actor: &Actor,
        template: &str,
        language: &str,
        text: &str,
    ) -> Result<(), StoreError> {
        self.require(
            actor,
            Permission::ManageOrganisation,
            "crossborder.template.save",
        )
        .await?;
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "DELETE FROM letter_templates WHERE org_id = $1 AND template = $2 AND language = $3",
        )
        .bind(actor.org_id())
        .bind(template)
        .bind(language)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO letter_templates (org_id, template, language, text, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(actor.org_id())
        .bind(template)
        .bind(language)
        .bind(text)
        .bind(actor.email())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "crossborder.template.save")
                .object("letter-template", format!("{template}/{language}"))
                .subject_org(actor.org_id()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
