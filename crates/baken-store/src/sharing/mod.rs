//! Sharing between organisations: covenants (this file), shared cases and their items
//! ([`case`]), hit/no-hit runs between organisations ([`matching`]) and exchange between
//! installations ([`exchange`]).
//!
//! Covenants are visible to their parties only; another organisation asking for one gets
//! not-found and an audit record, like every other tenant object.

pub mod case;
pub mod exchange;
pub mod matching;

use baken_domain::auth::Permission;
use baken_domain::sharing::covenant::{CovenantStatus, DataCategory, NewCovenant, Purpose, status};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use time::Date;

use crate::audit::{Entry, Who, append};
use crate::signal::today;
use crate::{Actor, Store, StoreError, now_ms};

/// One party to a covenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CovenantParty {
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    pub legal_basis: String,
    pub signatory: String,
    pub signed_at: Option<i64>,
}

/// A covenant with its parties and its status today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Covenant {
    pub id: i64,
    pub name: String,
    pub purposes: Vec<Purpose>,
    pub categories: Vec<DataCategory>,
    pub valid_from: String,
    pub valid_until: String,
    pub arrangement: String,
    pub retention_days: i64,
    pub status: CovenantStatus,
    pub owner_org_id: i64,
    pub parties: Vec<CovenantParty>,
    pub created_at: i64,
}

impl Covenant {
    /// The party row of organisation `org`, if it is a party.
    pub fn party(&self, org: i64) -> Option<&CovenantParty> {
        self.parties.iter().find(|p| p.org_id == org)
    }
}

fn parse_date(text: &str) -> Result<Date, StoreError> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &fmt).map_err(|_| StoreError::Internal(format!("stored date {text:?}")))
}

fn split_codes<T>(text: &str, parse: impl Fn(&str) -> Option<T>) -> Vec<T> {
    text.split(',').filter_map(parse).collect()
}

impl Store {
    /// Registers a covenant; the registering organisation must be one of its parties. Every
    /// party then signs for itself.
    pub async fn register_covenant(
        &self,
        actor: &Actor,
        covenant: &NewCovenant,
    ) -> Result<i64, StoreError> {
        self.require(
            actor,
            Permission::ManageCovenants,
            "sharing.covenant.register",
        )
        .await?;
        let mut party_ids = Vec::new();
        for p in &covenant.parties {
            let id: Option<i64> = sqlx::query("SELECT id FROM organisations WHERE code = $1")
                .bind(&p.organisation)
                .fetch_optional(&self.db.pool)
                .await?
                .map(|r| r.try_get("id"))
                .transpose()?;
            party_ids
                .push(id.ok_or_else(|| StoreError::UnknownOrganisation(p.organisation.clone()))?);
        }
        if !party_ids.contains(&actor.org_id()) {
            return Err(StoreError::Invalid {
                field: "partijen",
                reason: "de eigen organisatie moet partij zijn".into(),
            });
        }
        let join = |codes: Vec<&str>| codes.join(",");
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO covenants (owner_org_id, name, purposes, categories, valid_from, valid_until, \
             arrangement, retention_days, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(actor.org_id())
        .bind(&covenant.name)
        .bind(join(covenant.purposes.iter().map(|p| p.code()).collect()))
        .bind(join(covenant.categories.iter().map(|c| c.code()).collect()))
        .bind(covenant.valid_from.to_string())
        .bind(covenant.valid_until.to_string())
        .bind(&covenant.arrangement)
        .bind(covenant.retention_days)
        .bind(actor.email())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        for (p, org) in covenant.parties.iter().zip(&party_ids) {
            sqlx::query(
                "INSERT INTO covenant_parties (covenant_id, org_id, legal_basis, signatory) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(org)
            .bind(&p.legal_basis)
            .bind(&p.signatory)
            .execute(&mut *tx)
            .await?;
        }
        for org in &party_ids {
            append(
                &mut tx,
                &self.audit_key,
                Entry::new(Who::actor(actor), "sharing.covenant.register")
                    .object("covenant", id)
                    .subject_org(*org)
                    .detail(json!({ "name": covenant.name, "parties": party_ids.len() })),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// The covenants the actor's organisation is a party to.
    pub async fn covenants(&self, actor: &Actor) -> Result<Vec<Covenant>, StoreError> {
        self.require(actor, Permission::ViewSharing, "sharing.covenant.list")
            .await?;
        let ids: Vec<i64> = sqlx::query(
            "SELECT covenant_id FROM covenant_parties WHERE org_id = $1 ORDER BY covenant_id DESC",
        )
        .bind(actor.org_id())
        .fetch_all(&self.db.pool)
        .await?
        .iter()
        .map(|r| r.try_get("covenant_id"))
        .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        for id in ids {
            out.push(self.load_covenant(id).await?.ok_or(StoreError::NotFound)?);
        }
        Ok(out)
    }

    /// One covenant the actor's organisation is a party to; others are not found (and the
    /// attempt is audited).
    pub async fn covenant(&self, actor: &Actor, id: i64) -> Result<Covenant, StoreError> {
        self.require(actor, Permission::ViewSharing, "sharing.covenant.read")
            .await?;
        self.party_covenant(actor, id).await
    }

    /// The covenant if the actor's organisation is a party, whatever the actor's permissions.
    pub(crate) async fn party_covenant(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Covenant, StoreError> {
        match self.load_covenant(id).await? {
            Some(c) if c.party(actor.org_id()).is_some() => Ok(c),
            other => Err(self
                .not_found(
                    actor,
                    "covenant",
                    &id.to_string(),
                    other.map(|c| c.owner_org_id),
                )
                .await),
        }
    }

    pub(crate) async fn load_covenant(&self, id: i64) -> Result<Option<Covenant>, StoreError> {
        let Some(r) = sqlx::query(
            "SELECT id, owner_org_id, name, purposes, categories, valid_from, valid_until, arrangement, \
             retention_days, terminated_at, created_at FROM covenants WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?
        else {
            return Ok(None);
        };
        let parties = sqlx::query(
            "SELECT p.org_id, o.code, o.name, p.legal_basis, p.signatory, p.signed_at \
             FROM covenant_parties p JOIN organisations o ON o.id = p.org_id WHERE p.covenant_id = $1 ORDER BY o.name",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?
        .iter()
        .map(|p| {
            Ok(CovenantParty {
                org_id: p.try_get("org_id")?,
                org_code: p.try_get("code")?,
                org_name: p.try_get("name")?,
                legal_basis: p.try_get("legal_basis")?,
                signatory: p.try_get("signatory")?,
                signed_at: p.try_get("signed_at")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let valid_from: String = r.try_get("valid_from")?;
        let valid_until: String = r.try_get("valid_until")?;
        let terminated: Option<i64> = r.try_get("terminated_at")?;
        let all_signed = parties.iter().all(|p| p.signed_at.is_some());
        let status = status(
            all_signed,
            terminated.is_some(),
            parse_date(&valid_from)?,
            parse_date(&valid_until)?,
            today(),
        );
        let purposes: String = r.try_get("purposes")?;
        let categories: String = r.try_get("categories")?;
        Ok(Some(Covenant {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            purposes: split_codes(&purposes, Purpose::from_code),
            categories: split_codes(&categories, DataCategory::from_code),
            valid_from,
            valid_until,
            arrangement: r.try_get("arrangement")?,
            retention_days: r.try_get("retention_days")?,
            status,
            owner_org_id: r.try_get("owner_org_id")?,
            parties,
            created_at: r.try_get("created_at")?,
        }))
    }

    /// The actor's organisation signs the covenant (once).
    pub async fn sign_covenant(&self, actor: &Actor, id: i64) -> Result<(), StoreError> {
        self.require(actor, Permission::ManageCovenants, "sharing.covenant.sign")
            .await?;
        let covenant = self.party_covenant(actor, id).await?;
        if covenant.status == CovenantStatus::Terminated
            || covenant.status == CovenantStatus::Expired
        {
            return Err(StoreError::Invalid {
                field: "convenant",
                reason: format!(
                    "een convenant met status {} kan niet meer getekend worden",
                    covenant.status
                ),
            });
        }
        let mut tx = self.db.begin().await?;
        let done = sqlx::query(
            "UPDATE covenant_parties SET signed_at = $1, signed_by = $2 WHERE covenant_id = $3 AND org_id = $4 AND signed_at IS NULL",
        )
        .bind(now_ms())
        .bind(actor.email())
        .bind(id)
        .bind(actor.org_id())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 0 {
            return Err(StoreError::Conflict {
                field: "ondertekening",
            });
        }
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "sharing.covenant.sign")
                .object("covenant", id)
                .subject_org(actor.org_id()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A party ends the covenant early: nothing more flows under it.
    pub async fn terminate_covenant(&self, actor: &Actor, id: i64) -> Result<(), StoreError> {
        self.require(
            actor,
            Permission::ManageCovenants,
            "sharing.covenant.terminate",
        )
        .await?;
        let covenant = self.party_covenant(actor, id).await?;
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "UPDATE covenants SET terminated_at = $1 WHERE id = $2 AND terminated_at IS NULL",
        )
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        for p in &covenant.parties {
            append(
                &mut tx,
                &self.audit_key,
                Entry::new(Who::actor(actor), "sharing.covenant.terminate")
                    .object("covenant", id)
                    .subject_org(p.org_id),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
