//! Signals and the step plan: registering a signal with its subjects, taking a step (the
//! domain's transition table decides; the store appends the step and moves the state in one
//! transaction with its audit record), reading a signal (audited), the work queue per role,
//! accumulation per address, company and neighbourhood, source research with hit/no-hit,
//! retention with tombstones, and data-subject rights.

pub mod protocol;
pub mod retention;
pub mod rights;
pub mod source;
pub mod subject;

use std::collections::BTreeMap;

use baken_domain::auth::Permission;
use baken_domain::signal::protocol::{StepRefusal, available, transition};
use baken_domain::signal::{
    Action, Channel, FieldError, InfoGrade, NewSignal, SourceGrade, State, StepDraft, StepRecord,
    SubjectKind, Tlp, check_step,
};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{Entry, Who, append};
use crate::org::{Owned, OwnedId};
use crate::{Actor, Store, StoreError, now_ms};

pub use subject::{NewSubject, PersonClear, Relation, Subject};

const DESCRIPTION_CONTEXT: &str = "signal.description";
const REPORTER_CONTEXT: &str = "signal.reporter";
const STEP_CONTEXT: &str = "signal.step";
const DAY_MS: i64 = 86_400_000;

/// A signal in a list: no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignalSummary {
    pub id: i64,
    pub reference: String,
    pub state: State,
    pub received_on: String,
    pub channel: Channel,
    pub phenomenon: String,
    pub indicators: Vec<String>,
    pub source_grade: SourceGrade,
    pub info_grade: InfoGrade,
    pub tlp: Tlp,
    pub subjects: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub closed_at: Option<i64>,
    pub destroy_after: Option<i64>,
}

/// One step of a signal's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub id: i64,
    pub action: Action,
    pub from: State,
    pub to: State,
    pub legal_basis: String,
    pub fields: StepRecord,
    pub actor: String,
    pub taken_at: i64,
}

/// A signal with everything the actor may see of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignalDetail {
    #[serde(flatten)]
    pub summary: SignalSummary,
    pub description: String,
    pub reporter_org: String,
    pub reporter_department: String,
    /// A citizen reporter's contact details, only for roles that may see persons.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reporter_contact: Option<String>,
    pub subject_list: Vec<Subject>,
    pub steps: Vec<Step>,
    pub questions: Vec<source::Question>,
    pub approved_sources: Vec<source::ConnectedSource>,
    pub attachments: Vec<source::AttachmentMeta>,
}

/// Which signals a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// Open signals on which the actor's roles can take a step.
    Mine,
    /// All open signals.
    Open,
    /// Closed signals, waiting for destruction.
    Closed,
}

pub(crate) fn summary_from_row(r: &AnyRow) -> Result<SignalSummary, StoreError> {
    let bad = |what: &str, v: &str| StoreError::Internal(format!("stored {what} {v:?}"));
    let state: String = r.try_get("state")?;
    let channel: String = r.try_get("channel")?;
    let sg: String = r.try_get("source_grade")?;
    let ig: String = r.try_get("info_grade")?;
    let tlp: String = r.try_get("tlp")?;
    let indicators: String = r.try_get("indicators")?;
    Ok(SignalSummary {
        id: r.try_get("id")?,
        reference: r.try_get("reference")?,
        state: State::from_code(&state).ok_or_else(|| bad("state", &state))?,
        received_on: r.try_get("received_on")?,
        channel: Channel::from_code(&channel).ok_or_else(|| bad("channel", &channel))?,
        phenomenon: r.try_get("phenomenon")?,
        indicators: serde_json::from_str(&indicators).unwrap_or_default(),
        source_grade: SourceGrade::from_code(&sg).ok_or_else(|| bad("grade", &sg))?,
        info_grade: InfoGrade::from_code(&ig).ok_or_else(|| bad("grade", &ig))?,
        tlp: Tlp::from_code(&tlp).ok_or_else(|| bad("tlp", &tlp))?,
        subjects: r.try_get("subjects")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        closed_at: r.try_get("closed_at")?,
        destroy_after: r.try_get("destroy_after")?,
    })
}

pub(crate) const SUMMARY_COLUMNS: &str = "s.id, s.reference, s.state, s.received_on, s.channel, \
    s.phenomenon, s.indicators, s.source_grade, s.info_grade, s.tlp, s.created_at, s.updated_at, \
    s.closed_at, s.destroy_after, \
    (SELECT COUNT(*) FROM signal_subjects x WHERE x.signal_id = s.id) AS subjects";

/// Today's date in UTC.
pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

impl Store {
    /// Registers a signal (state intake) with subjects of the actor's organisation.
    pub async fn register_signal(
        &self,
        actor: &Actor,
        signal: &NewSignal,
    ) -> Result<SignalSummary, StoreError> {
        self.require(actor, Permission::RegisterSignal, "signal.register")
            .await?;
        let key = self.data_key()?;
        let org = actor.org_id();
        let mut tx = self.db.begin().await?;
        for &subject in &signal.subjects {
            let owner: Option<i64> = sqlx::query("SELECT org_id FROM subjects WHERE id = $1")
                .bind(subject)
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| r.try_get("org_id"))
                .transpose()?;
            if owner != Some(org) {
                tx.rollback().await?;
                return Err(StoreError::Fields(vec![FieldError::new(
                    "subjecten",
                    format!("subject {subject} does not exist in this organisation"),
                )]));
            }
        }
        let year = signal.received_on.year();
        let count: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM signals WHERE org_id = $1 AND reference LIKE $2",
        )
        .bind(org)
        .bind(format!("SIG-{year}-%"))
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        let tombstoned: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM signal_tombstones WHERE org_id = $1 AND reference LIKE $2",
        )
        .bind(org)
        .bind(format!("SIG-{year}-%"))
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        let reference = format!("SIG-{year}-{:04}", count + tombstoned + 1);
        let now = now_ms();
        let id: i64 = sqlx::query(
            "INSERT INTO signals (org_id, reference, state, received_on, channel, reporter_org, reporter_department, \
             reporter_sealed, description_sealed, phenomenon, indicators, source_grade, info_grade, tlp, created_by, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id",
        )
        .bind(org)
        .bind(&reference)
        .bind(State::Intake.code())
        .bind(signal.received_on.to_string())
        .bind(signal.channel.code())
        .bind(&signal.reporter_org)
        .bind(&signal.reporter_department)
        .bind(if signal.reporter_contact.is_empty() {
            String::new()
        } else {
            key.seal(REPORTER_CONTEXT, &signal.reporter_contact)?
        })
        .bind(key.seal(DESCRIPTION_CONTEXT, &signal.description)?)
        .bind(signal.phenomenon.clone().unwrap_or_default())
        .bind(serde_json::to_string(&signal.indicators).map_err(|e| StoreError::Internal(e.to_string()))?)
        .bind(signal.source_grade.code())
        .bind(signal.info_grade.code())
        .bind(signal.tlp.code())
        .bind(actor.email())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        for &subject in &signal.subjects {
            sqlx::query("INSERT INTO signal_subjects (signal_id, subject_id) VALUES ($1, $2)")
                .bind(id)
                .bind(subject)
                .execute(&mut *tx)
                .await?;
        }
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "signal.register")
                .object("signal", id)
                .subject_org(org)
                .detail(json!({ "reference": reference, "subjects": signal.subjects.len() })),
        )
        .await?;
        tx.commit().await?;
        self.signal_summary(actor.org_id(), id).await
    }

    pub(crate) async fn signal_summary(
        &self,
        org: i64,
        id: i64,
    ) -> Result<SignalSummary, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {SUMMARY_COLUMNS} FROM signals s WHERE s.id = $1 AND s.org_id = $2"
        ));
        let row = sqlx::query(sql)
            .bind(id)
            .bind(org)
            .fetch_optional(&self.db.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        summary_from_row(&row)
    }

    /// The organisation's signals in a queue, newest first.
    pub async fn signals(
        &self,
        actor: &Actor,
        queue: Queue,
    ) -> Result<Vec<SignalSummary>, StoreError> {
        self.require(actor, Permission::ViewSignals, "signal.list")
            .await?;
        let filter = match queue {
            Queue::Closed => "s.closed_at IS NOT NULL",
            _ => "s.closed_at IS NULL",
        };
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {SUMMARY_COLUMNS} FROM signals s WHERE s.org_id = $1 AND {filter} \
             ORDER BY s.received_on DESC, s.id DESC LIMIT 1000"
        ));
        let rows = sqlx::query(sql)
            .bind(actor.org_id())
            .fetch_all(&self.db.pool)
            .await?;
        let all: Vec<SignalSummary> = rows
            .iter()
            .map(summary_from_row)
            .collect::<Result<_, _>>()?;
        Ok(match queue {
            Queue::Mine => {
                // A privacy officer also has the detail requests waiting for a decision.
                let waiting: Vec<i64> = if actor.can(Permission::ApprovePrivacyCheck) {
                    sqlx::query(
                        "SELECT DISTINCT q.signal_id FROM source_questions q JOIN signals s ON s.id = q.signal_id \
                         WHERE s.org_id = $1 AND q.detail_requested_at IS NOT NULL AND q.detail_approved IS NULL",
                    )
                    .bind(actor.org_id())
                    .fetch_all(&self.db.pool)
                    .await?
                    .iter()
                    .map(|r| r.try_get("signal_id"))
                    .collect::<Result<_, _>>()?
                } else {
                    Vec::new()
                };
                all.into_iter()
                    .filter(|s| {
                        !available(s.state, actor.permissions()).is_empty()
                            || waiting.contains(&s.id)
                    })
                    .collect()
            }
            _ => all,
        })
    }

    /// A signal with its description, subjects, history and source research. The read is
    /// audited; persons and a reporter's contact details are opened only for those who may.
    pub async fn signal(&self, actor: &Actor, id: i64) -> Result<SignalDetail, StoreError> {
        self.require(actor, Permission::ViewSignals, "signal.read")
            .await?;
        self.require_owned(actor, Owned::Signal, OwnedId::Int(id))
            .await?;
        let key = self.data_key()?;
        let summary = self.signal_summary(actor.org_id(), id).await?;
        let row = sqlx::query(
            "SELECT description_sealed, reporter_org, reporter_department, reporter_sealed FROM signals WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&self.db.pool)
        .await?;
        let description = key.open(
            DESCRIPTION_CONTEXT,
            &row.try_get::<String, _>("description_sealed")?,
        )?;
        let reporter_contact = if actor.can(Permission::ViewPersons) {
            Some(key.open(
                REPORTER_CONTEXT,
                &row.try_get::<String, _>("reporter_sealed")?,
            )?)
            .filter(|c| !c.is_empty())
        } else {
            None
        };
        let subject_ids: Vec<i64> = sqlx::query(
            "SELECT subject_id FROM signal_subjects WHERE signal_id = $1 ORDER BY subject_id",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?
        .iter()
        .map(|r| r.try_get("subject_id"))
        .collect::<Result<_, _>>()?;
        self.audit_alone(
            Entry::new(Who::actor(actor), "signal.read")
                .object("signal", id)
                .subject_org(actor.org_id()),
        )
        .await?;
        let mut conn = self.db.pool.acquire().await?;
        let subject_list = self.load_subjects(&mut conn, actor, &subject_ids).await?;
        drop(conn);
        Ok(SignalDetail {
            summary,
            description,
            reporter_org: row.try_get("reporter_org")?,
            reporter_department: row.try_get("reporter_department")?,
            reporter_contact,
            subject_list,
            steps: self.steps_of(id).await?,
            questions: self.questions_of(id).await?,
            approved_sources: self.approved_sources(id).await?,
            attachments: self.attachments_of(id).await?,
        })
    }

    pub(crate) async fn steps_of(&self, id: i64) -> Result<Vec<Step>, StoreError> {
        let key = self.data_key()?;
        let rows = sqlx::query(
            "SELECT id, action, from_state, to_state, legal_basis, fields_sealed, actor_label, taken_at \
             FROM signal_steps WHERE signal_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let code =
                    |c: &str| -> Result<String, StoreError> { Ok(r.try_get::<String, _>(c)?) };
                let bad = |v: String| StoreError::Internal(format!("stored step {v:?}"));
                let fields = key.open(STEP_CONTEXT, &code("fields_sealed")?)?;
                Ok(Step {
                    id: r.try_get("id")?,
                    action: Action::from_code(&code("action")?)
                        .ok_or_else(|| bad(code("action").unwrap_or_default()))?,
                    from: State::from_code(&code("from_state")?)
                        .ok_or_else(|| bad(code("from_state").unwrap_or_default()))?,
                    to: State::from_code(&code("to_state")?)
                        .ok_or_else(|| bad(code("to_state").unwrap_or_default()))?,
                    legal_basis: code("legal_basis")?,
                    fields: serde_json::from_str(&fields)
                        .map_err(|e| StoreError::Internal(e.to_string()))?,
                    actor: code("actor_label")?,
                    taken_at: r.try_get("taken_at")?,
                })
            })
            .collect()
    }

    /// A signal's history only (audited as a read of the signal).
    pub async fn signal_history(&self, actor: &Actor, id: i64) -> Result<Vec<Step>, StoreError> {
        self.require(actor, Permission::ViewSignals, "signal.history")
            .await?;
        self.require_owned(actor, Owned::Signal, OwnedId::Int(id))
            .await?;
        self.audit_alone(
            Entry::new(Who::actor(actor), "signal.history.read")
                .object("signal", id)
                .subject_org(actor.org_id()),
        )
        .await?;
        self.steps_of(id).await
    }

    /// Takes a step: the transition table decides whether the action exists here and whether
    /// the actor may take it; the fields are checked against the organisation's step plan; then
    /// the step is appended and the state moved in one transaction with its audit record.
    pub async fn take_step(
        &self,
        actor: &Actor,
        id: i64,
        draft: &StepDraft,
    ) -> Result<SignalSummary, StoreError> {
        self.require(actor, Permission::ViewSignals, "signal.step")
            .await?;
        self.require_owned(actor, Owned::Signal, OwnedId::Int(id))
            .await?;
        let action = draft.action().map_err(|e| StoreError::Fields(vec![e]))?;
        let current = self.signal_summary(actor.org_id(), id).await?;
        let row = match transition(current.state, action, actor.permissions()) {
            Ok(row) => row,
            Err(StepRefusal::NotFromHere { state, action }) => {
                return Err(StoreError::Fields(vec![FieldError::new(
                    "actie",
                    format!("{action} cannot be taken in state {state}"),
                )]));
            }
            Err(StepRefusal::Forbidden(permission)) => {
                return Err(self
                    .authorize(actor, permission, action.code())
                    .await
                    .err()
                    .unwrap_or(StoreError::Forbidden(permission)));
            }
        };
        let protocol = self.protocol_of(actor.org_id()).await?;
        let record = check_step(row, draft, &protocol, today()).map_err(StoreError::Fields)?;
        // Privacy check 1 names connected sources of this organisation.
        let mut approvals = Vec::new();
        if action == Action::PrivacyCheck1Approve {
            let mut errors = Vec::new();
            for code in &record.bronnen {
                match self.source_id(actor.org_id(), code).await? {
                    Some(source) => approvals.push(source),
                    None => errors.push(FieldError::new(
                        "bronnen",
                        format!("{code:?} is not a connected source of this organisation"),
                    )),
                }
            }
            if !errors.is_empty() {
                return Err(StoreError::Fields(errors));
            }
        }
        // Weighing 4 rests on the answers: without a hit it can only close the signal.
        if matches!(
            action,
            Action::Weighing4OwnApproach | Action::Weighing4CaseMeeting | Action::Weighing4Riec
        ) && !self.questions_of(id).await?.iter().any(|q| q.hit)
        {
            return Err(StoreError::Fields(vec![FieldError::new(
                "bronnen",
                "no approved source answered hit; weighing 4 can only close the signal as not confirmed",
            )]));
        }
        let fields =
            serde_json::to_string(&record).map_err(|e| StoreError::Internal(e.to_string()))?;
        let sealed = self.data_key()?.seal(STEP_CONTEXT, &fields)?;
        let now = now_ms();
        let (closed_at, destroy_after) = match protocol.bewaartermijnen.days(row.to) {
            Some(days) => (Some(now), Some(now + i64::from(days) * DAY_MS)),
            None => (None, None),
        };
        let mut tx = self.db.begin().await?;
        let moved = sqlx::query(
            "UPDATE signals SET state = $1, updated_at = $2, closed_at = $3, destroy_after = $4 \
             WHERE id = $5 AND state = $6",
        )
        .bind(row.to.code())
        .bind(now)
        .bind(closed_at)
        .bind(destroy_after)
        .bind(id)
        .bind(current.state.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved != 1 {
            tx.rollback().await?;
            return Err(StoreError::Conflict { field: "status" });
        }
        let step_id: i64 = sqlx::query(
            "INSERT INTO signal_steps (signal_id, action, from_state, to_state, legal_basis, fields_sealed, actor_user_id, actor_label, taken_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(id)
        .bind(action.code())
        .bind(current.state.code())
        .bind(row.to.code())
        .bind(&record.grondslag)
        .bind(&sealed)
        .bind(actor.user_id())
        .bind(actor.email())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        for source in approvals {
            sqlx::query(
                "INSERT INTO signal_source_approvals (signal_id, source_id, step_id) VALUES ($1, $2, $3) \
                 ON CONFLICT (signal_id, source_id) DO NOTHING",
            )
            .bind(id)
            .bind(source)
            .bind(step_id)
            .execute(&mut *tx)
            .await?;
        }
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "signal.step")
                .object("signal", id)
                .subject_org(actor.org_id())
                .detail(json!({
                    "action": action.code(),
                    "from": current.state.code(),
                    "to": row.to.code(),
                    "legal_basis": record.grondslag,
                    "step": step_id,
                })),
        )
        .await?;
        tx.commit().await?;
        self.signal_summary(actor.org_id(), id).await
    }

    /// Where signals accumulate: per address and company subject, the signals received in the
    /// last `months` months, flagged when they reach the protocol's threshold. Each row lists
    /// its signals, so the reason for a flag is always visible; the decision stays a person's.
    pub async fn accumulation(&self, actor: &Actor) -> Result<Vec<Accumulation>, StoreError> {
        self.require(actor, Permission::ViewSignals, "signal.accumulation")
            .await?;
        let protocol = self.protocol_of(actor.org_id()).await?;
        let rule = protocol.ophoping;
        let since = today() - time::Duration::days(i64::from(rule.maanden) * 365 / 12);
        let rows = sqlx::query(
            "SELECT sub.id AS subject_id, sub.kind, sub.label, s.reference, s.phenomenon, s.received_on, s.indicators \
             FROM signal_subjects x JOIN subjects sub ON sub.id = x.subject_id JOIN signals s ON s.id = x.signal_id \
             WHERE s.org_id = $1 AND sub.kind <> 'persoon' AND s.received_on >= $2 ORDER BY sub.id, s.received_on",
        )
        .bind(actor.org_id())
        .bind(since.to_string())
        .fetch_all(&self.db.pool)
        .await?;
        let mut by_subject: BTreeMap<i64, Accumulation> = BTreeMap::new();
        for r in &rows {
            let id: i64 = r.try_get("subject_id")?;
            let kind: String = r.try_get("kind")?;
            let entry = by_subject.entry(id).or_insert_with(|| Accumulation {
                subject_id: id,
                kind: SubjectKind::from_code(&kind).unwrap_or(SubjectKind::Address),
                label: r.try_get("label").unwrap_or_default(),
                signals: Vec::new(),
                by_phenomenon: BTreeMap::new(),
                by_indicator: BTreeMap::new(),
                flagged: false,
                rule: String::new(),
            });
            let phenomenon: String = r.try_get("phenomenon")?;
            *entry.by_phenomenon.entry(phenomenon).or_default() += 1;
            let indicators: Vec<String> =
                serde_json::from_str(&r.try_get::<String, _>("indicators")?).unwrap_or_default();
            for i in indicators {
                *entry.by_indicator.entry(i).or_default() += 1;
            }
            entry
                .signals
                .push((r.try_get("reference")?, r.try_get("received_on")?));
        }
        let mut out: Vec<Accumulation> = by_subject
            .into_values()
            .map(|mut a| {
                a.flagged = a.signals.len() >= rule.signalen as usize;
                a.rule = format!("≥ {} signalen in {} maanden", rule.signalen, rule.maanden);
                a
            })
            .collect();
        out.sort_by(|a, b| {
            b.signals
                .len()
                .cmp(&a.signals.len())
                .then(a.subject_id.cmp(&b.subject_id))
        });
        Ok(out)
    }

    /// Signals per neighbourhood of their address subjects, received in the last year; counts
    /// below `threshold` are suppressed (returned as `None`).
    pub async fn signals_per_neighbourhood(
        &self,
        actor: &Actor,
        threshold: i64,
    ) -> Result<Vec<(String, Option<i64>)>, StoreError> {
        self.require(actor, Permission::ViewSignals, "signal.neighbourhoods")
            .await?;
        let since = today() - time::Duration::days(365);
        let rows = sqlx::query(
            "SELECT sub.neighbourhood, COUNT(DISTINCT s.id) AS n FROM signal_subjects x \
             JOIN subjects sub ON sub.id = x.subject_id JOIN signals s ON s.id = x.signal_id \
             WHERE s.org_id = $1 AND sub.neighbourhood <> '' AND s.received_on >= $2 \
             GROUP BY sub.neighbourhood ORDER BY sub.neighbourhood",
        )
        .bind(actor.org_id())
        .bind(since.to_string())
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let n: i64 = r.try_get("n")?;
                Ok((r.try_get("neighbourhood")?, (n >= threshold).then_some(n)))
            })
            .collect()
    }
}

/// Signals about one address or company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Accumulation {
    pub subject_id: i64,
    pub kind: SubjectKind,
    pub label: String,
    /// (reference, received on) of every contributing signal.
    pub signals: Vec<(String, String)>,
    pub by_phenomenon: BTreeMap<String, i64>,
    pub by_indicator: BTreeMap<String, i64>,
    /// Whether the protocol's accumulation rule flags it.
    pub flagged: bool,
    /// The rule, in words.
    pub rule: String,
}
