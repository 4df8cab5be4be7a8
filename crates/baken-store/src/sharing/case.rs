//! Shared cases (the RIEC integrated case): a case one organisation opens under a covenant,
//! often handed over from its step plan; the partners taking part; and the items shared in it,
//! each with a distribution and a TLP marking, the recorded covenant checks and an approval by
//! the sharing organisation's privacy officer.
//!
//! What an organisation sees of a case is exactly what was shared with it: approved items
//! distributed to the participants (when it takes part) or to the whole covenant (when it is a
//! party), and its own items. Every read is audited for the reader's organisation and for each
//! organisation whose items were read.

use std::collections::BTreeSet;

use baken_domain::auth::Permission;
use baken_domain::sharing::covenant::CovenantStatus;
use baken_domain::sharing::share::{
    CovenantTerms, Distribution, NewShare, ShareChecks, ShareRefusal, check_share,
};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use super::Covenant;
use crate::audit::{Entry, Who, append};
use crate::org::{Owned, OwnedId};
use crate::{Actor, Store, StoreError, now_ms};

const CONTENT_CONTEXT: &str = "sharing.item.content";

/// Item statuses.
pub const PENDING: &str = "ter-goedkeuring";
pub const SHARED: &str = "gedeeld";
pub const REFUSED: &str = "geweigerd";

/// A case to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSharedCase {
    pub covenant: i64,
    /// A title without personal data.
    pub title: String,
    pub phenomenon: String,
    /// The step-plan signal it is handed over from (it must have been handed to the RIEC).
    pub signal: Option<i64>,
    /// The partners (organisation codes) taking part besides the opening organisation.
    pub participants: Vec<String>,
}

/// A case as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SharedCase {
    pub id: i64,
    pub covenant_id: i64,
    pub covenant_name: String,
    pub owner_org_id: i64,
    pub owner_name: String,
    pub title: String,
    pub phenomenon: String,
    pub signal_id: Option<i64>,
    pub status: String,
    pub created_at: i64,
}

/// An organisation taking part in a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Participant {
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    pub joined_at: i64,
}

/// One shared item as the reader may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SharedItem {
    pub id: i64,
    pub case_id: i64,
    pub from_org_id: i64,
    pub from_name: String,
    pub title: String,
    pub content: String,
    pub purpose: String,
    pub category: String,
    pub distribution: String,
    pub tlp: String,
    pub checks: ShareChecks,
    pub status: String,
    pub requested_by: String,
    pub decided_by: Option<String>,
    pub decision_note: String,
    pub created_at: i64,
}

/// A case with what the reader may see of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SharedCaseView {
    pub case: SharedCase,
    pub participants: Vec<Participant>,
    pub items: Vec<SharedItem>,
    /// The reader's organisation opened the case.
    pub own: bool,
}

/// The reason a share is refused, in Dutch (the form and the API show it as it is).
pub fn refusal_reason(refusal: &ShareRefusal) -> String {
    match refusal {
        ShareRefusal::CovenantNotActive(s) => {
            format!("het convenant is niet actief (status: {s}); er kan niets onder gedeeld worden")
        }
        ShareRefusal::PurposeNotCovered(p) => {
            format!("het doel {p} valt niet onder de doelen van het convenant")
        }
        ShareRefusal::CategoryNotCovered(c) => {
            format!("de gegevenscategorie {c} valt niet onder het convenant")
        }
        ShareRefusal::NotAParty => "de eigen organisatie is geen partij bij het convenant".into(),
        ShareRefusal::MarkingTooStrict { tlp, distribution } => {
            format!("TLP {tlp} staat verspreiding '{distribution}' niet toe")
        }
    }
}

fn refused(refusal: &ShareRefusal) -> StoreError {
    let field = match refusal {
        ShareRefusal::PurposeNotCovered(_) => "doel",
        ShareRefusal::CategoryNotCovered(_) => "categorie",
        ShareRefusal::MarkingTooStrict { .. } => "tlp",
        ShareRefusal::CovenantNotActive(_) | ShareRefusal::NotAParty => "convenant",
    };
    StoreError::Invalid {
        field,
        reason: refusal_reason(refusal),
    }
}

const CASE_COLUMNS: &str = "c.id, c.covenant_id, v.name AS covenant_name, c.owner_org_id, o.name AS owner_name, \
    c.title, c.phenomenon, c.signal_id, c.status, c.created_at \
    FROM shared_cases c JOIN covenants v ON v.id = c.covenant_id JOIN organisations o ON o.id = c.owner_org_id";

fn case_from_row(r: &sqlx::any::AnyRow) -> Result<SharedCase, StoreError> {
    Ok(SharedCase {
        id: r.try_get("id")?,
        covenant_id: r.try_get("covenant_id")?,
        covenant_name: r.try_get("covenant_name")?,
        owner_org_id: r.try_get("owner_org_id")?,
        owner_name: r.try_get("owner_name")?,
        title: r.try_get("title")?,
        phenomenon: r.try_get("phenomenon")?,
        signal_id: r.try_get("signal_id")?,
        status: r.try_get("status")?,
        created_at: r.try_get("created_at")?,
    })
}

/// The SQL condition "organisation $1 may see item i": its own, or shared with it.
const ITEM_VISIBLE: &str = "(i.from_org_id = $1 OR (i.status = 'gedeeld' AND ( \
    (i.distribution = 'deelnemers' AND EXISTS (SELECT 1 FROM case_participants p WHERE p.case_id = i.case_id AND p.org_id = $1)) \
    OR (i.distribution = 'convenant' AND EXISTS (SELECT 1 FROM covenant_parties q JOIN shared_cases c2 ON c2.covenant_id = q.covenant_id \
        WHERE c2.id = i.case_id AND q.org_id = $1)))))";

impl Store {
    fn check_active(covenant: &Covenant) -> Result<(), StoreError> {
        if covenant.status == CovenantStatus::Active {
            Ok(())
        } else {
            Err(refused(&ShareRefusal::CovenantNotActive(covenant.status)))
        }
    }

    async fn org_id_of(&self, code: &str) -> Result<i64, StoreError> {
        sqlx::query("SELECT id FROM organisations WHERE code = $1")
            .bind(code.trim().to_lowercase())
            .fetch_optional(&self.db.pool)
            .await?
            .map(|r| r.try_get("id"))
            .transpose()?
            .ok_or_else(|| StoreError::UnknownOrganisation(code.to_owned()))
    }

    /// Opens a shared case under an active covenant, with partners that are parties to it.
    pub async fn open_shared_case(
        &self,
        actor: &Actor,
        case: &NewSharedCase,
    ) -> Result<i64, StoreError> {
        self.require(actor, Permission::WorkSharedCases, "sharing.case.open")
            .await?;
        let covenant = self.party_covenant(actor, case.covenant).await?;
        Self::check_active(&covenant)?;
        let title = case.title.trim();
        if !(3..=120).contains(&title.chars().count()) {
            return Err(StoreError::Invalid {
                field: "titel",
                reason: "3 tot 120 tekens, zonder persoonsgegevens".into(),
            });
        }
        let mut participants = BTreeSet::new();
        for code in case.participants.iter().filter(|c| !c.trim().is_empty()) {
            let org = self.org_id_of(code).await?;
            if covenant.party(org).is_none() {
                return Err(StoreError::Invalid {
                    field: "deelnemers",
                    reason: format!("{code} is geen partij bij het convenant"),
                });
            }
            if org != actor.org_id() {
                participants.insert(org);
            }
        }
        let mut phenomenon = case.phenomenon.trim().to_owned();
        if let Some(signal) = case.signal {
            self.require_owned(actor, Owned::Signal, OwnedId::Int(signal))
                .await?;
            let row = sqlx::query("SELECT state, phenomenon FROM signals WHERE id = $1")
                .bind(signal)
                .fetch_one(&self.db.pool)
                .await?;
            let state: String = row.try_get("state")?;
            if state != baken_domain::signal::State::ToRiec.code() {
                return Err(StoreError::Invalid {
                    field: "signaal",
                    reason:
                        "alleen een signaal dat in het stappenplan aan het RIEC is overgedragen"
                            .into(),
                });
            }
            if phenomenon.is_empty() {
                phenomenon = row.try_get("phenomenon")?;
            }
        }
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO shared_cases (covenant_id, owner_org_id, title, phenomenon, signal_id, status, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'open', $6, $7) RETURNING id",
        )
        .bind(covenant.id)
        .bind(actor.org_id())
        .bind(title)
        .bind(&phenomenon)
        .bind(case.signal)
        .bind(actor.email())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        for org in std::iter::once(actor.org_id()).chain(participants.iter().copied()) {
            sqlx::query(
                "INSERT INTO case_participants (case_id, org_id, added_by, joined_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(org)
            .bind(actor.email())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            append(
                &mut tx,
                &self.audit_key,
                Entry::new(Who::actor(actor), "sharing.case.open")
                    .object("shared-case", id)
                    .subject_org(org)
                    .detail(json!({ "covenant": covenant.id, "signal": case.signal })),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// The case if the actor's organisation may see it: it opened it, takes part, or received
    /// an item distributed to the whole covenant.
    async fn visible_case(&self, actor: &Actor, id: i64) -> Result<SharedCase, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {CASE_COLUMNS} WHERE c.id = $1"));
        let row = sqlx::query(sql)
            .bind(id)
            .fetch_optional(&self.db.pool)
            .await?;
        let case = row.as_ref().map(case_from_row).transpose()?;
        let visible = match &case {
            Some(c) if c.owner_org_id == actor.org_id() => true,
            Some(_) => {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT 1 AS x FROM shared_cases c WHERE c.id = $2 AND (\
                     EXISTS (SELECT 1 FROM case_participants p WHERE p.case_id = c.id AND p.org_id = $1) \
                     OR EXISTS (SELECT 1 FROM shared_items i WHERE i.case_id = c.id AND i.distribution = 'convenant' AND {ITEM_VISIBLE}))"
                ));
                sqlx::query(sql)
                    .bind(actor.org_id())
                    .bind(id)
                    .fetch_optional(&self.db.pool)
                    .await?
                    .is_some()
            }
            None => false,
        };
        match case {
            Some(c) if visible => Ok(c),
            other => Err(self
                .not_found(
                    actor,
                    "shared-case",
                    &id.to_string(),
                    other.map(|c| c.owner_org_id),
                )
                .await),
        }
    }

    /// The cases the actor's organisation may see, newest first.
    pub async fn shared_cases(&self, actor: &Actor) -> Result<Vec<SharedCase>, StoreError> {
        self.require(actor, Permission::ViewSharing, "sharing.case.list")
            .await?;
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {CASE_COLUMNS} WHERE c.owner_org_id = $1 \
             OR EXISTS (SELECT 1 FROM case_participants p WHERE p.case_id = c.id AND p.org_id = $1) \
             OR EXISTS (SELECT 1 FROM shared_items i WHERE i.case_id = c.id AND i.distribution = 'convenant' AND {ITEM_VISIBLE}) \
             ORDER BY c.created_at DESC, c.id DESC"
        ));
        let rows = sqlx::query(sql)
            .bind(actor.org_id())
            .fetch_all(&self.db.pool)
            .await?;
        rows.iter().map(case_from_row).collect()
    }

    /// The participants of a case the actor may see.
    pub async fn case_participants(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Vec<Participant>, StoreError> {
        self.require(actor, Permission::ViewSharing, "sharing.case.participants")
            .await?;
        self.visible_case(actor, id).await?;
        self.participants_of(id).await
    }

    async fn participants_of(&self, id: i64) -> Result<Vec<Participant>, StoreError> {
        sqlx::query(
            "SELECT p.org_id, o.code, o.name, p.joined_at FROM case_participants p \
             JOIN organisations o ON o.id = p.org_id WHERE p.case_id = $1 ORDER BY p.joined_at, o.name",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Participant {
                org_id: r.try_get("org_id")?,
                org_code: r.try_get("code")?,
                org_name: r.try_get("name")?,
                joined_at: r.try_get("joined_at")?,
            })
        })
        .collect()
    }

    /// One case with what the actor's organisation may see of it. The read is audited for the
    /// reader and for every organisation whose items it read.
    pub async fn shared_case(&self, actor: &Actor, id: i64) -> Result<SharedCaseView, StoreError> {
        self.require(actor, Permission::ViewSharing, "sharing.case.read")
            .await?;
        let case = self.visible_case(actor, id).await?;
        let participants = self.participants_of(id).await?;
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT i.id, i.case_id, i.from_org_id, o.name AS from_name, i.title, i.content_sealed, i.purpose, \
             i.category, i.distribution, i.tlp, i.checks, i.status, i.requested_by, i.decided_by, i.decision_note, i.created_at \
             FROM shared_items i JOIN organisations o ON o.id = i.from_org_id \
             WHERE i.case_id = $2 AND {ITEM_VISIBLE} ORDER BY i.id"
        ));
        let rows = sqlx::query(sql)
            .bind(actor.org_id())
            .bind(id)
            .fetch_all(&self.db.pool)
            .await?;
        let key = self.data_key()?;
        let mut items = Vec::new();
        for r in &rows {
            let checks: String = r.try_get("checks")?;
            let sealed: String = r.try_get("content_sealed")?;
            items.push(SharedItem {
                id: r.try_get("id")?,
                case_id: r.try_get("case_id")?,
                from_org_id: r.try_get("from_org_id")?,
                from_name: r.try_get("from_name")?,
                title: r.try_get("title")?,
                content: key.open(CONTENT_CONTEXT, &sealed)?,
                purpose: r.try_get("purpose")?,
                category: r.try_get("category")?,
                distribution: r.try_get("distribution")?,
                tlp: r.try_get("tlp")?,
                checks: serde_json::from_str(&checks)
                    .map_err(|e| StoreError::Internal(format!("stored checks: {e}")))?,
                status: r.try_get("status")?,
                requested_by: r.try_get("requested_by")?,
                decided_by: r.try_get("decided_by")?,
                decision_note: r.try_get("decision_note")?,
                created_at: r.try_get("created_at")?,
            });
        }
        let mut orgs: BTreeSet<i64> = items.iter().map(|i| i.from_org_id).collect();
        orgs.insert(actor.org_id());
        orgs.insert(case.owner_org_id);
        let item_ids: Vec<i64> = items.iter().map(|i| i.id).collect();
        let mut tx = self.db.begin().await?;
        for org in orgs {
            let read: Vec<i64> = items
                .iter()
                .filter(|i| org == actor.org_id() || i.from_org_id == org)
                .map(|i| i.id)
                .collect();
            append(
                &mut tx,
                &self.audit_key,
                Entry::new(Who::actor(actor), "sharing.case.read")
                    .object("shared-case", id)
                    .subject_org(org)
                    .detail(json!({ "reader_org": actor.org_code().as_str(), "items": if org == actor.org_id() { &item_ids } else { &read } })),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(SharedCaseView {
            own: case.owner_org_id == actor.org_id(),
            case,
            participants,
            items,
        })
    }

    /// The opening organisation adds a partner that is a party to the covenant.
    pub async fn add_case_participant(
        &self,
        actor: &Actor,
        id: i64,
        org_code: &str,
    ) -> Result<(), StoreError> {
        self.require(
            actor,
            Permission::WorkSharedCases,
            "sharing.case.participant",
        )
        .await?;
        let case = self.visible_case(actor, id).await?;
        if case.owner_org_id != actor.org_id() {
            return Err(self.authorize_owner_only(actor, id).await);
        }
        let covenant = self.party_covenant(actor, case.covenant_id).await?;
        Self::check_active(&covenant)?;
        let org = self.org_id_of(org_code).await?;
        if covenant.party(org).is_none() {
            return Err(StoreError::Invalid {
                field: "organisatie",
                reason: format!("{org_code} is geen partij bij het convenant"),
            });
        }
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "INSERT INTO case_participants (case_id, org_id, added_by, joined_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(org)
        .bind(actor.email())
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::on_unique(e, "deelnemer"))?;
        for subject in [actor.org_id(), org] {
            append(
                &mut tx,
                &self.audit_key,
                Entry::new(Who::actor(actor), "sharing.case.participant.add")
                    .object("shared-case", id)
                    .subject_org(subject)
                    .detail(json!({ "organisation": org_code })),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn authorize_owner_only(&self, actor: &Actor, id: i64) -> StoreError {
        let _ = self
            .record_denial(
                Some(actor),
                actor.email(),
                "access.denied",
                json!({ "attempted": "sharing.case.owner-only", "case": id }),
            )
            .await;
        StoreError::Forbidden(Permission::WorkSharedCases)
    }

    /// Shares one item in a case the actor's organisation takes part in. The covenant checks
    /// run now and again at approval; the item waits for the privacy officer's approval.
    pub async fn share_item(
        &self,
        actor: &Actor,
        case_id: i64,
        share: &NewShare,
    ) -> Result<i64, StoreError> {
        self.require(actor, Permission::WorkSharedCases, "sharing.item.share")
            .await?;
        let case = self.visible_case(actor, case_id).await?;
        let participant = self
            .participants_of(case_id)
            .await?
            .iter()
            .any(|p| p.org_id == actor.org_id());
        if !participant {
            return Err(self.authorize_owner_only(actor, case_id).await);
        }
        if case.status != "open" {
            return Err(StoreError::Invalid {
                field: "casus",
                reason: "de casus is gesloten".into(),
            });
        }
        let covenant = self.party_covenant(actor, case.covenant_id).await?;
        let checks = match Self::checks(&covenant, actor.org_id(), share) {
            Ok(c) => c,
            Err(refusal) => {
                self.audit_alone(
                    Entry::new(Who::actor(actor), "sharing.item.refused")
                        .object("shared-case", case_id)
                        .subject_org(actor.org_id())
                        .outcome(baken_domain::audit::Outcome::Denied)
                        .detail(json!({ "reason": refusal.code() })),
                )
                .await?;
                return Err(refused(&refusal));
            }
        };
        let sealed = self.data_key()?.seal(CONTENT_CONTEXT, &share.content)?;
        let checks_json =
            serde_json::to_string(&checks).map_err(|e| StoreError::Internal(e.to_string()))?;
        let mut tx = self.db.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO shared_items (case_id, from_org_id, title, content_sealed, purpose, category, distribution, \
             tlp, checks, status, requested_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(case_id)
        .bind(actor.org_id())
        .bind(&share.title)
        .bind(&sealed)
        .bind(share.purpose.code())
        .bind(share.category.code())
        .bind(share.distribution.code())
        .bind(share.tlp.code())
        .bind(&checks_json)
        .bind(PENDING)
        .bind(actor.email())
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "sharing.item.share")
                .object("shared-item", id)
                .subject_org(actor.org_id())
                .detail(json!({ "case": case_id, "distribution": share.distribution.code(), "tlp": share.tlp.code() })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    fn checks(
        covenant: &Covenant,
        org: i64,
        share: &NewShare,
    ) -> Result<ShareChecks, ShareRefusal> {
        check_share(
            &CovenantTerms {
                status: covenant.status,
                purposes: &covenant.purposes,
                categories: &covenant.categories,
                sender_legal_basis: covenant.party(org).map(|p| p.legal_basis.as_str()),
            },
            share,
        )
    }

    /// Items of the actor's organisation waiting for approval.
    pub async fn pending_items(
        &self,
        actor: &Actor,
    ) -> Result<Vec<(SharedCase, i64, String)>, StoreError> {
        self.require(actor, Permission::ApproveSharing, "sharing.item.pending")
            .await?;
        let rows = sqlx::query(
            "SELECT id, case_id, title FROM shared_items WHERE from_org_id = $1 AND status = $2 ORDER BY id",
        )
        .bind(actor.org_id())
        .bind(PENDING)
        .fetch_all(&self.db.pool)
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            let case_id: i64 = r.try_get("case_id")?;
            let sql = sqlx::AssertSqlSafe(format!("SELECT {CASE_COLUMNS} WHERE c.id = $1"));
            let case = case_from_row(
                &sqlx::query(sql)
                    .bind(case_id)
                    .fetch_one(&self.db.pool)
                    .await?,
            )?;
            out.push((case, r.try_get("id")?, r.try_get("title")?));
        }
        Ok(out)
    }

    /// The privacy officer of the sharing organisation approves or refuses an item; approval
    /// runs the covenant checks again (a covenant may have expired since). Four eyes: who asked
    /// to share cannot approve.
    pub async fn decide_item(
        &self,
        actor: &Actor,
        item: i64,
        approve: bool,
        note: &str,
    ) -> Result<(), StoreError> {
        self.require(actor, Permission::ApproveSharing, "sharing.item.decide")
            .await?;
        let row = sqlx::query(
            "SELECT i.case_id, i.from_org_id, i.status, i.requested_by, i.purpose, i.category, i.distribution, i.tlp, \
             i.title, c.covenant_id FROM shared_items i JOIN shared_cases c ON c.id = i.case_id WHERE i.id = $1",
        )
        .bind(item)
        .fetch_optional(&self.db.pool)
        .await?;
        let Some(row) =
            row.filter(|r| r.try_get::<i64, _>("from_org_id").ok() == Some(actor.org_id()))
        else {
            return Err(self
                .not_found(actor, "shared-item", &item.to_string(), None)
                .await);
        };
        let status: String = row.try_get("status")?;
        if status != PENDING {
            return Err(StoreError::Conflict { field: "status" });
        }
        let requested_by: String = row.try_get("requested_by")?;
        if requested_by == actor.email() {
            return Err(StoreError::Invalid {
                field: "goedkeuring",
                reason: "wie het delen aanvroeg, keurt het niet zelf goed".into(),
            });
        }
        if approve {
            let covenant = self
                .party_covenant(actor, row.try_get("covenant_id")?)
                .await?;
            let parse = |col: &str| -> Result<String, StoreError> { Ok(row.try_get(col)?) };
            let share = NewShare {
                title: parse("title")?,
                content: String::new(),
                purpose: baken_domain::sharing::Purpose::from_code(&parse("purpose")?)
                    .ok_or_else(|| StoreError::Internal("stored purpose".into()))?,
                category: baken_domain::sharing::DataCategory::from_code(&parse("category")?)
                    .ok_or_else(|| StoreError::Internal("stored category".into()))?,
                distribution: Distribution::from_code(&parse("distribution")?)
                    .ok_or_else(|| StoreError::Internal("stored distribution".into()))?,
                tlp: baken_domain::signal::Tlp::from_code(&parse("tlp")?)
                    .ok_or_else(|| StoreError::Internal("stored tlp".into()))?,
                minimisation: String::new(),
            };
            if let Err(refusal) = Self::checks(&covenant, actor.org_id(), &share) {
                return Err(refused(&refusal));
            }
        }
        let case_id: i64 = row.try_get("case_id")?;
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "UPDATE shared_items SET status = $1, decided_by = $2, decision_note = $3, decided_at = $4 WHERE id = $5 AND status = $6",
        )
        .bind(if approve { SHARED } else { REFUSED })
        .bind(actor.email())
        .bind(note.trim())
        .bind(now_ms())
        .bind(item)
        .bind(PENDING)
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(
                Who::actor(actor),
                if approve {
                    "sharing.item.approve"
                } else {
                    "sharing.item.refuse"
                },
            )
            .object("shared-item", item)
            .subject_org(actor.org_id())
            .detail(json!({ "case": case_id })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The opening organisation closes a case; it is destroyed after the covenant's retention.
    pub async fn close_shared_case(&self, actor: &Actor, id: i64) -> Result<(), StoreError> {
        self.require(actor, Permission::WorkSharedCases, "sharing.case.close")
            .await?;
        let case = self.visible_case(actor, id).await?;
        if case.owner_org_id != actor.org_id() {
            return Err(self.authorize_owner_only(actor, id).await);
        }
        let covenant = self
            .load_covenant(case.covenant_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "UPDATE shared_cases SET status = 'gesloten', closed_at = $1, destroy_after = $2 WHERE id = $3 AND status = 'open'",
        )
        .bind(now)
        .bind(now + covenant.retention_days * 86_400_000)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "sharing.case.close")
                .object("shared-case", id)
                .subject_org(actor.org_id()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Destroys closed cases whose retention has passed: items, participants, the case.
    /// Returns how many cases were destroyed.
    pub(crate) async fn destroy_due_shared_cases(
        &self,
        tx: &mut sqlx::AnyConnection,
        now: i64,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        let due: Vec<(i64, i64)> = sqlx::query(
            "SELECT id, owner_org_id FROM shared_cases WHERE destroy_after IS NOT NULL AND destroy_after <= $1",
        )
        .bind(now)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("owner_org_id")?)))
        .collect::<Result<_, StoreError>>()?;
        for (id, _) in &due {
            for sql in [
                "DELETE FROM shared_items WHERE case_id = $1",
                "DELETE FROM case_participants WHERE case_id = $1",
                "UPDATE exchange_packages SET case_id = NULL WHERE case_id = $1",
                "DELETE FROM shared_cases WHERE id = $1",
            ] {
                sqlx::query(sql).bind(id).execute(&mut *tx).await?;
            }
        }
        Ok(due)
    }
}
