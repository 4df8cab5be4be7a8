//! Each organisation's own step plan: the shipped CCV model until it adopts or saves its own,
//! published copies as templates for other municipalities, and adopting one.

use std::sync::OnceLock;

use baken_domain::auth::Permission;
use baken_domain::signal::Protocol;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::audit::{Entry, Who, append};
use crate::{Actor, Store, StoreError, now_ms};

/// The shipped model, parsed once.
pub fn shipped() -> Result<&'static Protocol, StoreError> {
    static SHIPPED: OnceLock<Result<Protocol, String>> = OnceLock::new();
    SHIPPED
        .get_or_init(|| baken_import::signal::shipped_protocol().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| StoreError::Internal(e.clone()))
}

/// A step plan another organisation published.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Template {
    pub org_code: String,
    pub org_name: String,
    pub name: String,
    pub updated_at: i64,
}

/// The organisation's step plan and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnProtocol {
    pub protocol: Protocol,
    /// Empty for the shipped model; `baken` once saved; an organisation code when adopted.
    pub adopted_from: String,
    pub published: bool,
    /// False while the organisation still uses the shipped model unchanged.
    pub own: bool,
}

impl Store {
    /// The step plan that governs `org_id`'s signals.
    pub(crate) async fn protocol_of(&self, org_id: i64) -> Result<Protocol, StoreError> {
        let row = sqlx::query("SELECT config FROM signal_protocols WHERE org_id = $1")
            .bind(org_id)
            .fetch_optional(&self.db.pool)
            .await?;
        match row {
            Some(r) => serde_json::from_str(&r.try_get::<String, _>("config")?)
                .map_err(|e| StoreError::Internal(format!("stored step plan: {e}"))),
            None => Ok(shipped()?.clone()),
        }
    }

    /// The actor's organisation's step plan (policy, not personal data: any member may read it).
    pub async fn signal_protocol(&self, actor: &Actor) -> Result<OwnProtocol, StoreError> {
        let row = sqlx::query(
            "SELECT config, adopted_from, published FROM signal_protocols WHERE org_id = $1",
        )
        .bind(actor.org_id())
        .fetch_optional(&self.db.pool)
        .await?;
        Ok(match row {
            Some(r) => OwnProtocol {
                protocol: serde_json::from_str(&r.try_get::<String, _>("config")?)
                    .map_err(|e| StoreError::Internal(format!("stored step plan: {e}")))?,
                adopted_from: r.try_get("adopted_from")?,
                published: r.try_get::<i64, _>("published")? != 0,
                own: true,
            },
            None => OwnProtocol {
                protocol: shipped()?.clone(),
                adopted_from: String::new(),
                published: false,
                own: false,
            },
        })
    }

    /// Saves the organisation's step plan after checking it (a protected trait is refused).
    pub async fn save_signal_protocol(
        &self,
        actor: &Actor,
        protocol: &Protocol,
    ) -> Result<(), StoreError> {
        self.require(actor, Permission::ManageProtocol, "signal.protocol.save")
            .await?;
        self.write_protocol(actor, protocol, None, "signal.protocol.save")
            .await
    }

    async fn write_protocol(
        &self,
        actor: &Actor,
        protocol: &Protocol,
        adopted_from: Option<&str>,
        action: &'static str,
    ) -> Result<(), StoreError> {
        let problems = protocol.check();
        if !problems.is_empty() {
            return Err(StoreError::Fields(
                problems
                    .into_iter()
                    .map(|p| baken_domain::signal::FieldError::new(p.at, p.reason))
                    .collect(),
            ));
        }
        let config =
            serde_json::to_string(protocol).map_err(|e| StoreError::Internal(e.to_string()))?;
        let mut tx = self.db.begin().await?;
        let existing = sqlx::query("SELECT adopted_from FROM signal_protocols WHERE org_id = $1")
            .bind(actor.org_id())
            .fetch_optional(&mut *tx)
            .await?;
        let from = match (adopted_from, &existing) {
            (Some(f), _) => f.to_owned(),
            (None, Some(r)) => r.try_get("adopted_from")?,
            (None, None) => "baken".to_owned(),
        };
        if existing.is_some() {
            sqlx::query(
                "UPDATE signal_protocols SET config = $1, adopted_from = $2, updated_by = $3, updated_at = $4 WHERE org_id = $5",
            )
            .bind(&config)
            .bind(&from)
            .bind(actor.email())
            .bind(now_ms())
            .bind(actor.org_id())
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query(
                "INSERT INTO signal_protocols (org_id, config, adopted_from, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(actor.org_id())
            .bind(&config)
            .bind(&from)
            .bind(actor.email())
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        }
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), action)
                .object("signal-protocol", actor.org_code().as_str())
                .subject_org(actor.org_id())
                .detail(json!({ "adopted_from": from, "version": protocol.version })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Offers (or withdraws) the organisation's own step plan as a template for others.
    pub async fn publish_signal_protocol(
        &self,
        actor: &Actor,
        published: bool,
    ) -> Result<(), StoreError> {
        self.require(actor, Permission::ManageProtocol, "signal.protocol.publish")
            .await?;
        if !self.signal_protocol(actor).await?.own {
            let protocol = shipped()?.clone();
            self.write_protocol(actor, &protocol, None, "signal.protocol.save")
                .await?;
        }
        let mut tx = self.db.begin().await?;
        sqlx::query("UPDATE signal_protocols SET published = $1 WHERE org_id = $2")
            .bind(i64::from(published))
            .bind(actor.org_id())
            .execute(&mut *tx)
            .await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "signal.protocol.publish")
                .object("signal-protocol", actor.org_code().as_str())
                .subject_org(actor.org_id())
                .detail(json!({ "published": published })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The step plans other organisations publish.
    pub async fn signal_protocol_templates(
        &self,
        actor: &Actor,
    ) -> Result<Vec<Template>, StoreError> {
        let rows = sqlx::query(
            "SELECT o.code, o.name, p.config, p.updated_at FROM signal_protocols p \
             JOIN organisations o ON o.id = p.org_id WHERE p.published = 1 AND p.org_id <> $1 ORDER BY o.name",
        )
        .bind(actor.org_id())
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let config: String = r.try_get("config")?;
                let name = serde_json::from_str::<Protocol>(&config)
                    .map(|p| p.naam.nl)
                    .unwrap_or_default();
                Ok(Template {
                    org_code: r.try_get("code")?,
                    org_name: r.try_get("name")?,
                    name,
                    updated_at: r.try_get("updated_at")?,
                })
            })
            .collect()
    }

    /// Adopts another organisation's published step plan as the actor's own copy.
    pub async fn adopt_signal_protocol(
        &self,
        actor: &Actor,
        org_code: &str,
    ) -> Result<(), StoreError> {
        self.require(actor, Permission::ManageProtocol, "signal.protocol.adopt")
            .await?;
        let row = sqlx::query(
            "SELECT p.config FROM signal_protocols p JOIN organisations o ON o.id = p.org_id \
             WHERE o.code = $1 AND p.published = 1 AND p.org_id <> $2",
        )
        .bind(org_code)
        .bind(actor.org_id())
        .fetch_optional(&self.db.pool)
        .await?;
        let Some(row) = row else {
            return Err(self
                .not_found(actor, "signal-protocol", org_code, None)
                .await);
        };
        let protocol: Protocol = serde_json::from_str(&row.try_get::<String, _>("config")?)
            .map_err(|e| StoreError::Internal(format!("stored step plan: {e}")))?;
        self.write_protocol(actor, &protocol, Some(org_code), "signal.protocol.adopt")
            .await
    }
}
