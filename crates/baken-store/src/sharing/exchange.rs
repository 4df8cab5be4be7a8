//! Exchange between installations: each organisation's exchange keys (sealed), the partner
//! installations it trusts (URL and public keys), packages it made of a shared case for a
//! partner, and packages it accepted. A package id is accepted once: a replay is refused.

use baken_domain::auth::Permission;
use baken_domain::sharing::package::{
    self, ExchangeKeys, Fresh, Package, PackageError, PublicKeys,
};
use rand::RngExt;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use super::case::SHARED;
use crate::audit::{Entry, Who, append};
use crate::{Actor, Store, StoreError, now_ms};
use baken_domain::audit::Outcome;

const SECRET_CONTEXT: &str = "sharing.exchange.secret";
const PAYLOAD_CONTEXT: &str = "sharing.exchange.payload";

/// A partner installation an organisation exchanges with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExchangePartner {
    pub id: i64,
    pub name: String,
    /// The partner organisation's code (the same at both installations).
    pub partner_org: String,
    pub url: String,
    pub public_text: String,
    pub fingerprint: String,
}

/// What travels in a package: one shared case and the items the receiver may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CasePayload {
    pub titel: String,
    pub fenomeen: String,
    pub convenant: String,
    pub van: String,
    pub items: Vec<PayloadItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayloadItem {
    pub titel: String,
    pub inhoud: String,
    pub doel: String,
    pub categorie: String,
    pub tlp: String,
    pub grondslag: String,
}

/// A package in the register (sent or received).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageRecord {
    pub id: i64,
    pub direction: String,
    pub package_id: String,
    pub partner_org: String,
    pub title: String,
    pub created_by: String,
    pub created_at: i64,
}

/// Why a package was refused, or a store failure.
#[derive(Debug, thiserror::Error)]
pub enum ReceiveError {
    #[error(transparent)]
    Refused(#[from] PackageError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Who receives: a signed-in user's organisation, or a partner installation pushing to the
/// organisation the package names.
pub enum Receiver<'a> {
    Actor(&'a Actor),
    Push { remote: String },
}

fn check_url(url: &str) -> Result<String, StoreError> {
    let parsed = url::Url::parse(url.trim()).map_err(|_| StoreError::Invalid {
        field: "url",
        reason: "geen geldig adres".into(),
    })?;
    let local = matches!(parsed.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    if parsed.scheme() != "https" && !(parsed.scheme() == "http" && local) {
        return Err(StoreError::Invalid {
            field: "url",
            reason: "een partnerinstallatie is alleen via https bereikbaar".into(),
        });
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

impl Store {
    async fn org_keys(&self, org: i64, created_by: &str) -> Result<ExchangeKeys, StoreError> {
        let key = self.data_key()?;
        if let Some(r) = sqlx::query("SELECT secret_sealed FROM exchange_keys WHERE org_id = $1")
            .bind(org)
            .fetch_optional(&self.db.pool)
            .await?
        {
            let bytes: [u8; 64] = key
                .open_bytes(SECRET_CONTEXT, &r.try_get::<String, _>("secret_sealed")?)?
                .try_into()
                .map_err(|_| StoreError::Internal("stored exchange key".into()))?;
            return Ok(ExchangeKeys::from_bytes(bytes));
        }
        let mut bytes = [0u8; 64];
        rand::rng().fill(&mut bytes);
        let keys = ExchangeKeys::from_bytes(bytes);
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "INSERT INTO exchange_keys (org_id, secret_sealed, public_text, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (org_id) DO NOTHING",
        )
        .bind(org)
        .bind(key.seal_bytes(SECRET_CONTEXT, &keys.to_bytes())?)
        .bind(keys.public().to_text())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(
                Who::anonymous(created_by.to_owned()),
                "sharing.exchange.keys",
            )
            .subject_org(org)
            .detail(json!({ "fingerprint": keys.public().fingerprint() })),
        )
        .await?;
        tx.commit().await?;
        // Another request may have created them first: read back what is stored.
        Box::pin(self.org_keys(org, created_by)).await
    }

    /// The organisation's public exchange keys (made on first use), for its partners.
    pub async fn exchange_public_keys(&self, actor: &Actor) -> Result<PublicKeys, StoreError> {
        self.require(actor, Permission::ViewSharing, "sharing.exchange.keys")
            .await?;
        Ok(self.org_keys(actor.org_id(), actor.email()).await?.public())
    }

    /// Trusts a partner installation: its address and its public keys.
    pub async fn add_exchange_partner(
        &self,
        actor: &Actor,
        name: &str,
        partner_org: &str,
        url: &str,
        public_text: &str,
    ) -> Result<i64, StoreError> {
        self.require(
            actor,
            Permission::ManageCovenants,
            "sharing.exchange.partner",
        )
        .await?;
        let url = check_url(url)?;
        let keys = PublicKeys::from_text(public_text).ok_or_else(|| StoreError::Invalid {
            field: "sleutels",
            reason: "verwacht: ed25519:… x25519:… zoals de partner ze toont".into(),
        })?;
        let name = name.trim();
        let partner_org = partner_org.trim().to_lowercase();
        if name.chars().count() < 2 || partner_org.is_empty() {
            return Err(StoreError::Invalid {
                field: "naam",
                reason: "naam en organisatiecode zijn verplicht".into(),
            });
        }
        let mut tx = self.db.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO exchange_partners (org_id, name, partner_org, url, public_text, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(actor.org_id())
        .bind(name)
        .bind(&partner_org)
        .bind(&url)
        .bind(keys.to_text())
        .bind(actor.email())
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::on_unique(e, "partner"))?
        .try_get("id")?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "sharing.exchange.partner")
                .object("exchange-partner", id)
                .subject_org(actor.org_id())
                .detail(json!({ "partner": partner_org, "url": url, "fingerprint": keys.fingerprint() })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The partner installations the organisation trusts.
    pub async fn exchange_partners(
        &self,
        actor: &Actor,
    ) -> Result<Vec<ExchangePartner>, StoreError> {
        self.require(actor, Permission::ViewSharing, "sharing.exchange.partners")
            .await?;
        self.partners_of(actor.org_id()).await
    }

    async fn partners_of(&self, org: i64) -> Result<Vec<ExchangePartner>, StoreError> {
        sqlx::query(
            "SELECT id, name, partner_org, url, public_text FROM exchange_partners WHERE org_id = $1 ORDER BY name",
        )
        .bind(org)
        .fetch_all(&self.db.pool)
        .await?
        .iter()
        .map(|r| {
            let public_text: String = r.try_get("public_text")?;
            Ok(ExchangePartner {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                partner_org: r.try_get("partner_org")?,
                url: r.try_get("url")?,
                fingerprint: PublicKeys::from_text(&public_text)
                    .map(|k| k.fingerprint())
                    .unwrap_or_default(),
                public_text,
            })
        })
        .collect()
    }

    /// Makes a package of a shared case for a partner installation: the case and the approved
    /// items of the actor's organisation that the partner may see (participants' items when the
    /// partner takes part, covenant items when it is a party). Recorded and audited.
    pub async fn export_case_package(
        &self,
        actor: &Actor,
        case_id: i64,
        partner_id: i64,
    ) -> Result<(Package, ExchangePartner), StoreError> {
        self.require(
            actor,
            Permission::WorkSharedCases,
            "sharing.exchange.export",
        )
        .await?;
        let partner = self
            .partners_of(actor.org_id())
            .await?
            .into_iter()
            .find(|p| p.id == partner_id);
        let Some(partner) = partner else {
            return Err(self
                .not_found(actor, "exchange-partner", &partner_id.to_string(), None)
                .await);
        };
        let view = self.shared_case(actor, case_id).await?;
        let covenant = self.party_covenant(actor, view.case.covenant_id).await?;
        if covenant.status != baken_domain::sharing::CovenantStatus::Active {
            return Err(StoreError::Invalid {
                field: "convenant",
                reason: format!(
                    "het convenant is niet actief (status: {}); er gaat niets meer naar partners",
                    covenant.status
                ),
            });
        }
        let partner_local = covenant
            .parties
            .iter()
            .find(|p| p.org_code == partner.partner_org);
        let Some(partner_party) = partner_local else {
            return Err(StoreError::Invalid {
                field: "partner",
                reason: format!(
                    "{} is geen partij bij het convenant van deze casus",
                    partner.partner_org
                ),
            });
        };
        let takes_part = view
            .participants
            .iter()
            .any(|p| p.org_id == partner_party.org_id);
        let items: Vec<PayloadItem> = view
            .items
            .iter()
            .filter(|i| i.from_org_id == actor.org_id() && i.status == SHARED)
            .filter(|i| {
                i.distribution == "convenant" || (i.distribution == "deelnemers" && takes_part)
            })
            .map(|i| PayloadItem {
                titel: i.title.clone(),
                inhoud: i.content.clone(),
                doel: i.purpose.clone(),
                categorie: i.category.clone(),
                tlp: i.tlp.clone(),
                grondslag: i.checks.grondslag.clone(),
            })
            .collect();
        if items.is_empty() {
            return Err(StoreError::Invalid {
                field: "casus",
                reason: "er is nog niets goedgekeurd dat met deze partner gedeeld mag worden"
                    .into(),
            });
        }
        let payload = CasePayload {
            titel: view.case.title.clone(),
            fenomeen: view.case.phenomenon.clone(),
            convenant: covenant.name.clone(),
            van: actor.org_name().to_owned(),
            items,
        };
        let bytes =
            serde_json::to_vec(&payload).map_err(|e| StoreError::Internal(e.to_string()))?;
        let keys = self.org_keys(actor.org_id(), actor.email()).await?;
        let recipient = PublicKeys::from_text(&partner.public_text)
            .ok_or_else(|| StoreError::Internal("stored partner keys".into()))?;
        let mut fresh = Fresh {
            id: [0; 16],
            ephemeral: [0; 32],
            nonce: [0; 24],
        };
        {
            let mut rng = rand::rng();
            rng.fill(&mut fresh.id);
            rng.fill(&mut fresh.ephemeral);
            rng.fill(&mut fresh.nonce);
        }
        let pkg = package::seal(
            &keys,
            actor.org_code().as_str(),
            &partner.partner_org,
            &recipient,
            &bytes,
            now_ms(),
            fresh,
        );
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "INSERT INTO exchange_packages (org_id, direction, package_id, partner_org, case_id, title, created_by, created_at) \
             VALUES ($1, 'uit', $2, $3, $4, $5, $6, $7)",
        )
        .bind(actor.org_id())
        .bind(&pkg.id)
        .bind(&partner.partner_org)
        .bind(case_id)
        .bind(&view.case.title)
        .bind(actor.email())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "sharing.exchange.export")
                .object("shared-case", case_id)
                .subject_org(actor.org_id())
                .detail(json!({ "package": pkg.id, "partner": partner.partner_org, "items": payload.items.len() })),
        )
        .await?;
        tx.commit().await?;
        Ok((pkg, partner))
    }

    /// Checks and accepts a package; a refusal is audited with its reason.
    pub async fn receive_package(
        &self,
        receiver: Receiver<'_>,
        bytes: &[u8],
    ) -> Result<(i64, CasePayload), ReceiveError> {
        let (who, org_hint) = match &receiver {
            Receiver::Actor(a) => {
                self.require(a, Permission::WorkSharedCases, "sharing.exchange.receive")
                    .await?;
                (Who::actor(a), Some(a.org_id()))
            }
            Receiver::Push { remote } => (Who::anonymous(format!("push {remote}")), None),
        };
        let result = self.accept(&who, org_hint, bytes).await;
        if let Err(ReceiveError::Refused(reason)) = &result {
            let mut entry = Entry::new(who.clone(), "sharing.exchange.refused")
                .outcome(Outcome::Denied)
                .detail(json!({ "reason": reason.code() }));
            if let Some(org) = org_hint {
                entry = entry.subject_org(org);
            }
            self.audit_alone(entry).await?;
        }
        result
    }

    async fn accept(
        &self,
        who: &Who,
        org_hint: Option<i64>,
        bytes: &[u8],
    ) -> Result<(i64, CasePayload), ReceiveError> {
        let pkg = package::parse(bytes)?;
        let org = match org_hint {
            Some(org) => org,
            None => sqlx::query("SELECT id FROM organisations WHERE code = $1")
                .bind(&pkg.ontvanger.organisatie)
                .fetch_optional(&self.db.pool)
                .await
                .map_err(StoreError::from)?
                .map(|r| r.try_get::<i64, _>("id"))
                .transpose()
                .map_err(StoreError::from)?
                .ok_or_else(|| PackageError::WrongRecipient(pkg.ontvanger.organisatie.clone()))?,
        };
        let org_code: String = sqlx::query("SELECT code FROM organisations WHERE id = $1")
            .bind(org)
            .fetch_one(&self.db.pool)
            .await
            .map_err(StoreError::from)?
            .try_get("code")
            .map_err(StoreError::from)?;
        let sender = self
            .partners_of(org)
            .await?
            .into_iter()
            .find(|p| p.partner_org == pkg.afzender.organisatie)
            .and_then(|p| PublicKeys::from_text(&p.public_text));
        if sender.is_none() {
            // Refused before anything is made for the addressed organisation.
            return Err(PackageError::UnknownSender(pkg.afzender.organisatie.clone()).into());
        }
        let keys = self.org_keys(org, &who.label).await?;
        let plain = package::open(
            &pkg,
            sender.as_ref().map(|k| &k.signing),
            &keys,
            &org_code,
            now_ms(),
        )?;
        let payload: CasePayload = serde_json::from_slice(&plain)
            .map_err(|e| PackageError::Malformed(format!("content: {e}")))?;
        let sealed = self
            .data_key()?
            .seal(PAYLOAD_CONTEXT, &String::from_utf8_lossy(&plain))?;
        let mut tx = self.db.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO exchange_packages (org_id, direction, package_id, partner_org, title, payload_sealed, created_by, created_at) \
             VALUES ($1, 'in', $2, $3, $4, $5, $6, $7) ON CONFLICT (org_id, direction, package_id) DO NOTHING RETURNING id",
        )
        .bind(org)
        .bind(&pkg.id)
        .bind(&pkg.afzender.organisatie)
        .bind(&payload.titel)
        .bind(&sealed)
        .bind(&who.label)
        .bind(now_ms())
        .fetch_optional(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        let Some(row) = inserted else {
            return Err(PackageError::Replayed.into());
        };
        let id: i64 = row.try_get("id").map_err(StoreError::from)?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(who.clone(), "sharing.exchange.receive")
                .object("exchange-package", id)
                .subject_org(org)
                .detail(json!({ "package": pkg.id, "from": pkg.afzender.organisatie, "items": payload.items.len() })),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok((id, payload))
    }

    /// The packages the organisation sent and received, newest first.
    pub async fn exchange_packages(&self, actor: &Actor) -> Result<Vec<PackageRecord>, StoreError> {
        self.require(actor, Permission::ViewSharing, "sharing.exchange.packages")
            .await?;
        sqlx::query(
            "SELECT id, direction, package_id, partner_org, title, created_by, created_at FROM exchange_packages \
             WHERE org_id = $1 ORDER BY created_at DESC, id DESC",
        )
        .bind(actor.org_id())
        .fetch_all(&self.db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(PackageRecord {
                id: r.try_get("id")?,
                direction: r.try_get("direction")?,
                package_id: r.try_get("package_id")?,
                partner_org: r.try_get("partner_org")?,
                title: r.try_get("title")?,
                created_by: r.try_get("created_by")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
    }

    /// A received package's content (the reading is audited).
    pub async fn received_package(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<CasePayload, StoreError> {
        self.require(actor, Permission::WorkSharedCases, "sharing.exchange.read")
            .await?;
        let row = sqlx::query(
            "SELECT org_id, payload_sealed FROM exchange_packages WHERE id = $1 AND direction = 'in'",
        )
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?;
        let Some(row) = row.filter(|r| r.try_get::<i64, _>("org_id").ok() == Some(actor.org_id()))
        else {
            return Err(self
                .not_found(actor, "exchange-package", &id.to_string(), None)
                .await);
        };
        let text = self.data_key()?.open(
            PAYLOAD_CONTEXT,
            &row.try_get::<String, _>("payload_sealed")?,
        )?;
        self.audit_alone(
            Entry::new(Who::actor(actor), "sharing.exchange.read")
                .object("exchange-package", id)
                .subject_org(actor.org_id()),
        )
        .await?;
        serde_json::from_str(&text).map_err(|e| StoreError::Internal(e.to_string()))
    }
}
