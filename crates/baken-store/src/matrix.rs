//! An organisation's inventory of sources and its action list: tenant data, read and written
//! only through the actor's own organisation, every change audited with before and after.

use baken_domain::auth::Permission;
use baken_domain::matrix::{InventoryAccess, InventoryEntry};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::audit::{Entry, Who, append};
use crate::org::{Owned, OwnedId};
use crate::{Actor, Store, StoreError, now_ms};

/// One action of the action list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatrixAction {
    pub id: i64,
    pub what: String,
    pub who: String,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
    /// open, bezig, gereed
    pub status: String,
    /// The source it is about, if any.
    pub source: Option<String>,
}

/// The statuses an action can have.
pub const ACTION_STATUSES: [&str; 3] = ["open", "bezig", "gereed"];

fn entry_from_row(r: &sqlx::any::AnyRow) -> Result<InventoryEntry, StoreError> {
    let access: String = r.try_get("access")?;
    Ok(InventoryEntry {
        source: r.try_get("source")?,
        have: r.try_get::<i64, _>("have")? != 0,
        access: InventoryAccess::from_code(&access).unwrap_or(InventoryAccess::Geen),
        department: r.try_get("department")?,
        contact: r.try_get("contact")?,
        quality: r
            .try_get::<Option<i64>, _>("quality")?
            .and_then(|q| u8::try_from(q).ok()),
        last_checked: r.try_get("last_checked")?,
        connected: r.try_get("connected")?,
    })
}

impl Store {
    /// The inventory of the actor's organisation, by source.
    pub async fn inventory(&self, actor: &Actor) -> Result<Vec<InventoryEntry>, StoreError> {
        self.require(actor, Permission::ViewMatrices, "matrix.inventory")
            .await?;
        let rows = sqlx::query(
            "SELECT source, have, access, department, contact, quality, last_checked, connected \
             FROM inventory WHERE org_id = $1 ORDER BY source",
        )
        .bind(actor.org_id())
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// Replaces the entries given (others stay), all or nothing. Every entry must be valid and
    /// a connected dataset must be one of the organisation's own. Audited with what changed.
    pub async fn set_inventory(
        &self,
        actor: &Actor,
        entries: &[InventoryEntry],
    ) -> Result<usize, StoreError> {
        self.require(actor, Permission::EditInventory, "matrix.inventory.edit")
            .await?;
        for e in entries {
            if let Some(problem) = e.problem() {
                return Err(StoreError::Invalid {
                    field: "inventaris",
                    reason: format!("{}: {}", e.source, problem.message()),
                });
            }
        }
        let mut tx = self.db.begin().await?;
        let mut changed = Vec::new();
        for e in entries {
            if let Some(dataset) = &e.connected {
                let own = sqlx::query("SELECT code FROM datasets WHERE code = $1 AND org_id = $2")
                    .bind(dataset)
                    .bind(actor.org_id())
                    .fetch_optional(&mut *tx)
                    .await?
                    .is_some();
                if !own {
                    return Err(StoreError::Invalid {
                        field: "inventaris",
                        reason: format!(
                            "{}: {dataset} is not a dataset of your organisation",
                            e.source
                        ),
                    });
                }
            }
            let before = sqlx::query(
                "SELECT source, have, access, department, contact, quality, last_checked, connected \
                 FROM inventory WHERE org_id = $1 AND source = $2",
            )
            .bind(actor.org_id())
            .bind(&e.source)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| entry_from_row(&r))
            .transpose()?;
            if before.as_ref() == Some(e) {
                continue;
            }
            sqlx::query("DELETE FROM inventory WHERE org_id = $1 AND source = $2")
                .bind(actor.org_id())
                .bind(&e.source)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO inventory (org_id, source, have, access, department, contact, quality, \
                 last_checked, connected, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(actor.org_id())
            .bind(&e.source)
            .bind(i64::from(e.have))
            .bind(e.access.code())
            .bind(&e.department)
            .bind(&e.contact)
            .bind(e.quality.map(i64::from))
            .bind(&e.last_checked)
            .bind(&e.connected)
            .bind(actor.email())
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
            changed.push(json!({ "source": e.source, "before": before, "after": e }));
        }
        if !changed.is_empty() {
            append(
                &mut tx,
                &self.audit_key,
                Entry::new(Who::actor(actor), "matrix.inventory.edit")
                    .object("inventory", actor.org_code().as_str())
                    .subject_org(actor.org_id())
                    .detail(json!({ "changes": changed })),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(changed.len())
    }

    /// The action list of the actor's organisation, open ones first.
    pub async fn matrix_actions(&self, actor: &Actor) -> Result<Vec<MatrixAction>, StoreError> {
        self.require(actor, Permission::ViewMatrices, "matrix.actions")
            .await?;
        let rows = sqlx::query(
            "SELECT id, what, who, due, status, source FROM matrix_actions WHERE org_id = $1 \
             ORDER BY CASE status WHEN 'gereed' THEN 1 ELSE 0 END, due, id",
        )
        .bind(actor.org_id())
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(MatrixAction {
                    id: r.try_get("id")?,
                    what: r.try_get("what")?,
                    who: r.try_get("who")?,
                    due: r.try_get("due")?,
                    status: r.try_get("status")?,
                    source: r.try_get("source")?,
                })
            })
            .collect()
    }

    /// Adds an action; returns its id.
    pub async fn add_matrix_action(
        &self,
        actor: &Actor,
        what: &str,
        who: &str,
        due: Option<&str>,
        source: Option<&str>,
    ) -> Result<i64, StoreError> {
        self.require(actor, Permission::EditInventory, "matrix.action.add")
            .await?;
        let invalid = |reason: &str| StoreError::Invalid {
            field: "actie",
            reason: reason.to_owned(),
        };
        if what.trim().is_empty() || what.chars().count() > 500 {
            return Err(invalid("what is 1 to 500 characters"));
        }
        if who.chars().count() > 200 {
            return Err(invalid("who is at most 200 characters"));
        }
        if let Some(d) = due
            && time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]"))
                .is_err()
        {
            return Err(invalid("the date is YYYY-MM-DD"));
        }
        let mut tx = self.db.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO matrix_actions (org_id, what, who, due, status, source, created_by, created_at) \
             VALUES ($1, $2, $3, $4, 'open', $5, $6, $7) RETURNING id",
        )
        .bind(actor.org_id())
        .bind(what.trim())
        .bind(who.trim())
        .bind(due)
        .bind(source)
        .bind(actor.email())
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "matrix.action.add")
                .object("action", id)
                .subject_org(actor.org_id())
                .detail(json!({ "what": what, "who": who, "due": due })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Sets an action's status; another organisation's action is not found (and audited).
    pub async fn set_matrix_action_status(
        &self,
        actor: &Actor,
        id: i64,
        status: &str,
    ) -> Result<(), StoreError> {
        self.require(actor, Permission::EditInventory, "matrix.action.status")
            .await?;
        if !ACTION_STATUSES.contains(&status) {
            return Err(StoreError::Invalid {
                field: "status",
                reason: ACTION_STATUSES.join(" | "),
            });
        }
        self.require_owned(actor, Owned::MatrixAction, OwnedId::Int(id))
            .await?;
        let mut tx = self.db.begin().await?;
        sqlx::query("UPDATE matrix_actions SET status = $1 WHERE id = $2")
            .bind(status)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "matrix.action.status")
                .object("action", id)
                .subject_org(actor.org_id())
                .detail(json!({ "status": status })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

impl Store {
    /// Fills in an organisation's inventory and action list for the demo, once (nothing is
    /// changed when it has an inventory already). Returns whether it did.
    pub async fn seed_demo_inventory(
        &self,
        operator: &crate::Operator,
        org_code: &str,
        entries: &[InventoryEntry],
        actions: &[(&str, &str, &str)],
    ) -> Result<bool, StoreError> {
        let org = self
            .organisation_by_code(org_code)
            .await?
            .ok_or_else(|| StoreError::UnknownOrganisation(org_code.to_owned()))?;
        let mut tx = self.db.begin().await?;
        let has: i64 = sqlx::query("SELECT COUNT(*) AS n FROM inventory WHERE org_id = $1")
            .bind(org.id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        if has > 0 {
            return Ok(false);
        }
        for e in entries {
            sqlx::query(
                "INSERT INTO inventory (org_id, source, have, access, department, contact, quality, \
                 last_checked, connected, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(org.id)
            .bind(&e.source)
            .bind(i64::from(e.have))
            .bind(e.access.code())
            .bind(&e.department)
            .bind(&e.contact)
            .bind(e.quality.map(i64::from))
            .bind(&e.last_checked)
            .bind(&e.connected)
            .bind(&operator.who().label)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        }
        for (what, who, due) in actions {
            sqlx::query(
                "INSERT INTO matrix_actions (org_id, what, who, due, status, source, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, 'open', NULL, $5, $6)",
            )
            .bind(org.id)
            .bind(*what)
            .bind(*who)
            .bind(*due)
            .bind(&operator.who().label)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        }
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(operator.who(), "matrix.inventory.seed")
                .object("inventory", org_code)
                .subject_org(org.id)
                .detail(json!({ "entries": entries.len(), "actions": actions.len() })),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// A saved version of an organisation's matrix of a phenomenon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatrixVersion {
    pub id: i64,
    pub phenomenon: String,
    pub version: i64,
    pub note: String,
    pub published: bool,
    pub created_by: String,
    pub created_at: i64,
    pub document: baken_domain::matrix::MatrixDocument,
}

/// A published version of another organisation, offered as a template.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatrixTemplate {
    pub id: i64,
    pub org_name: String,
    pub version: i64,
    pub note: String,
    pub indicators: usize,
}

fn version_from_row(r: &sqlx::any::AnyRow) -> Result<MatrixVersion, StoreError> {
    let document: String = r.try_get("document")?;
    Ok(MatrixVersion {
        id: r.try_get("id")?,
        phenomenon: r.try_get("phenomenon")?,
        version: r.try_get("version")?,
        note: r.try_get("note")?,
        published: r.try_get::<i64, _>("published")? != 0,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        document: serde_json::from_str(&document)
            .map_err(|e| StoreError::Internal(format!("matrix version: {e}")))?,
    })
}

const VERSION_COLUMNS: &str =
    "id, phenomenon, version, document, note, published, created_by, created_at";

impl Store {
    /// The versions of the actor's organisation's matrix of `phenomenon`, newest first.
    pub async fn matrix_versions(
        &self,
        actor: &Actor,
        phenomenon: &str,
    ) -> Result<Vec<MatrixVersion>, StoreError> {
        self.require(actor, Permission::ViewMatrices, "matrix.versions")
            .await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {VERSION_COLUMNS} FROM matrix_versions WHERE org_id = $1 AND phenomenon = $2 \
             ORDER BY version DESC"
        )))
        .bind(actor.org_id())
        .bind(phenomenon)
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter().map(version_from_row).collect()
    }

    /// The current (newest) version of every phenomenon the organisation keeps its own matrix of.
    pub async fn current_matrices(&self, actor: &Actor) -> Result<Vec<MatrixVersion>, StoreError> {
        self.require(actor, Permission::ViewMatrices, "matrix.current")
            .await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {VERSION_COLUMNS} FROM matrix_versions v WHERE org_id = $1 AND version = \
             (SELECT MAX(version) FROM matrix_versions w WHERE w.org_id = v.org_id AND w.phenomenon = v.phenomenon)"
        )))
        .bind(actor.org_id())
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter().map(version_from_row).collect()
    }

    /// Saves a new version of the organisation's matrix (already checked by the caller);
    /// returns its number. Audited.
    pub async fn save_matrix_version(
        &self,
        actor: &Actor,
        document: &baken_domain::matrix::MatrixDocument,
        note: &str,
    ) -> Result<i64, StoreError> {
        self.require(actor, Permission::EditInventory, "matrix.version.save")
            .await?;
        let phenomenon = &document.phenomenon.id;
        let json =
            serde_json::to_string(document).map_err(|e| StoreError::Internal(e.to_string()))?;
        let mut tx = self.db.begin().await?;
        let last: Option<i64> = sqlx::query(
            "SELECT MAX(version) AS v FROM matrix_versions WHERE org_id = $1 AND phenomenon = $2",
        )
        .bind(actor.org_id())
        .bind(phenomenon)
        .fetch_one(&mut *tx)
        .await?
        .try_get("v")?;
        let version = last.unwrap_or(0) + 1;
        sqlx::query(
            "INSERT INTO matrix_versions (org_id, phenomenon, version, document, note, published, \
             created_by, created_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $7)",
        )
        .bind(actor.org_id())
        .bind(phenomenon)
        .bind(version)
        .bind(&json)
        .bind(note.chars().take(500).collect::<String>())
        .bind(actor.email())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "matrix.version.save")
                .object("matrix", format!("{phenomenon}/{version}"))
                .subject_org(actor.org_id())
                .detail(
                    json!({ "indicators": document.phenomenon.indicatoren.len(), "note": note }),
                ),
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Publishes (or withdraws) one of the organisation's versions as a template.
    pub async fn publish_matrix_version(
        &self,
        actor: &Actor,
        id: i64,
        published: bool,
    ) -> Result<(), StoreError> {
        self.require(actor, Permission::EditInventory, "matrix.version.publish")
            .await?;
        self.require_owned(actor, Owned::MatrixVersion, OwnedId::Int(id))
            .await?;
        let mut tx = self.db.begin().await?;
        sqlx::query("UPDATE matrix_versions SET published = $1 WHERE id = $2")
            .bind(i64::from(published))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "matrix.version.publish")
                .object("matrix-version", id)
                .subject_org(actor.org_id())
                .detail(json!({ "published": published })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Templates of `phenomenon` other organisations published.
    pub async fn matrix_templates(
        &self,
        actor: &Actor,
        phenomenon: &str,
    ) -> Result<Vec<MatrixTemplate>, StoreError> {
        self.require(actor, Permission::ViewMatrices, "matrix.templates")
            .await?;
        let rows = sqlx::query(
            "SELECT v.id, o.name, v.version, v.note, v.document FROM matrix_versions v \
             JOIN organisations o ON o.id = v.org_id \
             WHERE v.published = 1 AND v.phenomenon = $1 AND v.org_id <> $2 ORDER BY o.name, v.version DESC",
        )
        .bind(phenomenon)
        .bind(actor.org_id())
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let document: String = r.try_get("document")?;
                let doc: baken_domain::matrix::MatrixDocument = serde_json::from_str(&document)
                    .map_err(|e| StoreError::Internal(format!("template: {e}")))?;
                Ok(MatrixTemplate {
                    id: r.try_get("id")?,
                    org_name: r.try_get("name")?,
                    version: r.try_get("version")?,
                    note: r.try_get("note")?,
                    indicators: doc.phenomenon.indicatoren.len(),
                })
            })
            .collect()
    }

    /// Adopts a published template as the organisation's own new version; an unpublished one
    /// is not found (and the attempt audited).
    pub async fn adopt_matrix_template(&self, actor: &Actor, id: i64) -> Result<i64, StoreError> {
        self.require(actor, Permission::EditInventory, "matrix.template.adopt")
            .await?;
        let row = sqlx::query(
            "SELECT v.org_id, v.published, v.document, o.name FROM matrix_versions v \
             JOIN organisations o ON o.id = v.org_id WHERE v.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?;
        let Some(row) = row.filter(|r| r.try_get::<i64, _>("published").is_ok_and(|p| p != 0))
        else {
            return Err(self
                .not_found(actor, "matrix-template", &id.to_string(), None)
                .await);
        };
        let document: String = row.try_get("document")?;
        let from: String = row.try_get("name")?;
        let doc: baken_domain::matrix::MatrixDocument = serde_json::from_str(&document)
            .map_err(|e| StoreError::Internal(format!("template: {e}")))?;
        self.save_matrix_version(actor, &doc, &format!("overgenomen van {from}"))
            .await
    }
}
