//! Organisations (tenants), users and their roles, and the two kinds of acting party:
//! an authenticated [`Actor`] and the command-line [`Operator`].
//!
//! Tenancy is enforced here, by type: every function on tenant data takes an `&Actor`, whose
//! only constructors are in [`crate::auth`] (a valid session or API token). Queries filter on the
//! actor's organisation; a record of another organisation is "not found", and the attempt is
//! written to the audit chain.

use baken_domain::audit::Outcome;
use baken_domain::auth::{PasswordPolicy, Permission, PermissionSet, Role};
use baken_domain::codes::{Email, MunicipalityCode, OrgCode};
use baken_domain::org::{NewOrganisation, OrgType};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::audit::{Entry, Who, append};
use crate::auth::hash_password;
use crate::{Page, Paged, Store, StoreError, now_ms};

/// How an actor proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    Session,
    ApiToken,
    /// A background job, acting for the user who started it.
    Job,
    /// The demo seeder at the command line, acting as a demo user.
    Demo,
}

/// An authenticated user acting within its organisation. Made only by [`crate::auth`].
#[derive(Debug, Clone)]
pub struct Actor {
    user_id: i64,
    org_id: i64,
    org_code: OrgCode,
    org_name: String,
    org_type: OrgType,
    email: String,
    display_name: String,
    roles: Vec<Role>,
    permissions: PermissionSet,
    method: AuthMethod,
}

impl Actor {
    pub fn user_id(&self) -> i64 {
        self.user_id
    }
    pub fn org_id(&self) -> i64 {
        self.org_id
    }
    pub fn org_code(&self) -> &OrgCode {
        &self.org_code
    }
    pub fn org_name(&self) -> &str {
        &self.org_name
    }
    pub fn org_type(&self) -> OrgType {
        self.org_type
    }
    pub fn email(&self) -> &str {
        &self.email
    }
    pub fn display_name(&self) -> &str {
        &self.display_name
    }
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }
    pub fn permissions(&self) -> PermissionSet {
        self.permissions
    }
    pub fn can(&self, permission: Permission) -> bool {
        self.permissions.contains(permission)
    }
    pub fn method(&self) -> AuthMethod {
        self.method
    }

    /// Loads the actor for `user_id` if the user exists and is active.
    pub(crate) async fn load(
        conn: &mut AnyConnection,
        user_id: i64,
        method: AuthMethod,
    ) -> Result<Option<Self>, StoreError> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.display_name, o.id AS org_id, o.code AS org_code, \
             o.name AS org_name, o.org_type FROM users u JOIN organisations o ON o.id = u.org_id \
             WHERE u.id = $1 AND u.active = 1",
        )
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let roles = load_roles(conn, user_id).await?;
        let org_code: String = row.try_get("org_code")?;
        let org_type: String = row.try_get("org_type")?;
        Ok(Some(Self {
            user_id,
            org_id: row.try_get("org_id")?,
            org_code: OrgCode::parse(&org_code).map_err(|e| StoreError::Internal(e.to_string()))?,
            org_name: row.try_get("org_name")?,
            org_type: OrgType::from_code(&org_type).unwrap_or(OrgType::Other),
            email: row.try_get("email")?,
            display_name: row.try_get("display_name")?,
            permissions: PermissionSet::from_roles(roles.iter()),
            roles,
            method,
        }))
    }
}

async fn load_roles(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<Role>, StoreError> {
    let rows = sqlx::query("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role")
        .bind(user_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut roles: Vec<Role> = rows
        .iter()
        .filter_map(|r| r.try_get::<String, _>("role").ok())
        .filter_map(|code| Role::from_code(&code))
        .collect();
    roles.sort();
    Ok(roles)
}

/// Whoever runs the `baken` command line on the server: it has the database credentials
/// already, so it acts outside tenancy, and every act is audited under its label. The web
/// layer never makes one.
#[derive(Debug, Clone)]
pub struct Operator {
    label: String,
}

impl Operator {
    /// The operator at the command line; `label` names the command (`cli:user-add`).
    pub fn command_line(label: impl Into<String>) -> Self {
        Self {
            label: label.into(),
        }
    }

    pub(crate) fn who(&self) -> Who {
        Who::anonymous(format!("operator:{}", self.label))
    }
}

/// An organisation as the directory shows it (no personal data).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Organisation {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub org_type: OrgType,
    pub municipality_code: Option<String>,
}

/// An organisation's own look: an NL Design System theme (CSS with token values) and the
/// class that activates it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Theme {
    pub css: Option<String>,
    pub class: Option<String>,
}

/// A user as an administrator of its organisation sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UserSummary {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub active: bool,
    pub second_factor: bool,
    pub locked: bool,
    pub created_at: i64,
}

/// A user to be created; validated by [`Store`] (e-mail parsed, password rules, roles).
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub password: String,
}

/// The largest theme stylesheet accepted.
pub const MAX_THEME_CSS: usize = 512 * 1024;

fn organisation_from_row(row: &AnyRow) -> Result<Organisation, StoreError> {
    let org_type: String = row.try_get("org_type")?;
    Ok(Organisation {
        id: row.try_get("id")?,
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        org_type: OrgType::from_code(&org_type).unwrap_or(OrgType::Other),
        municipality_code: row.try_get("municipality_code")?,
    })
}

impl Store {
    /// Checks that `actor` may take `permission`; a refusal is written to the audit chain
    /// (committed on its own) and returned as [`StoreError::Forbidden`].
    pub async fn authorize(
        &self,
        actor: &Actor,
        permission: Permission,
        action: &str,
    ) -> Result<(), StoreError> {
        if actor.can(permission) {
            return Ok(());
        }
        let mut tx = self.db.begin().await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "access.denied")
                .subject_org(actor.org_id())
                .outcome(Outcome::Denied)
                .detail(json!({ "permission": permission.code(), "attempted": action })),
        )
        .await?;
        tx.commit().await?;
        Err(StoreError::Forbidden(permission))
    }

    pub(crate) async fn require(
        &self,
        actor: &Actor,
        permission: Permission,
        action: &str,
    ) -> Result<(), StoreError> {
        self.authorize(actor, permission, action).await
    }

    /// Records that `actor` asked for an object it may not see (another organisation's, or
    /// none at all), and returns [`StoreError::NotFound`] for the caller to pass on.
    pub(crate) async fn not_found(
        &self,
        actor: &Actor,
        object_type: &'static str,
        object_id: &str,
        owner_org: Option<i64>,
    ) -> StoreError {
        let entry = Entry::new(Who::actor(actor), "access.not_found")
            .object(object_type, object_id)
            .outcome(Outcome::Denied);
        let entry = match owner_org {
            Some(org) => entry.subject_org(org),
            None => entry,
        };
        let result = async {
            let mut tx = self.db.begin().await?;
            append(&mut tx, &self.audit_key, entry).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        }
        .await;
        match result {
            Ok(()) => StoreError::NotFound,
            Err(e) => e,
        }
    }

    /// The organisation a row of an organisation's own table belongs to, if the row exists.
    pub(crate) async fn owner_of(
        &self,
        kind: Owned,
        id: OwnedId<'_>,
    ) -> Result<Option<i64>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT org_id FROM {} WHERE id = $1", kind.table()));
        let query = sqlx::query(sql);
        let query = match id {
            OwnedId::Int(i) => query.bind(i),
            OwnedId::Text(t) => query.bind(t.to_owned()),
        };
        Ok(query
            .fetch_optional(&self.db.pool)
            .await?
            .map(|r| r.try_get("org_id"))
            .transpose()?)
    }

    /// Passes when the row is the actor's organisation's; otherwise records the attempt and
    /// returns [`StoreError::NotFound`], so another organisation learns nothing of it.
    pub(crate) async fn require_owned(
        &self,
        actor: &Actor,
        kind: Owned,
        id: OwnedId<'_>,
    ) -> Result<(), StoreError> {
        let owner = self.owner_of(kind, id).await?;
        if owner == Some(actor.org_id()) {
            Ok(())
        } else {
            Err(self
                .not_found(actor, kind.object_type(), &id.to_string(), owner)
                .await)
        }
    }

    /// Records a refusal decided outside the store (an unknown route parameter, a CSRF
    /// failure) so that every denial is in the chain.
    pub async fn record_denial(
        &self,
        actor: Option<&Actor>,
        label: &str,
        action: &'static str,
        detail: serde_json::Value,
    ) -> Result<(), StoreError> {
        let who = match actor {
            Some(a) => Who::actor(a),
            None => Who::anonymous(label.to_owned()),
        };
        let mut entry = Entry::new(who, action)
            .outcome(Outcome::Denied)
            .detail(detail);
        if let Some(a) = actor {
            entry = entry.subject_org(a.org_id());
        }
        let mut tx = self.db.begin().await?;
        append(&mut tx, &self.audit_key, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    // ----- organisations -------------------------------------------------------------------

    /// Creates an organisation (command line only). Returns its id.
    pub async fn create_organisation(
        &self,
        operator: &Operator,
        new: &NewOrganisation,
    ) -> Result<i64, StoreError> {
        let mut tx = self.db.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO organisations (code, name, org_type, municipality_code, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(new.code.as_str())
        .bind(&new.name)
        .bind(new.org_type.code())
        .bind(new.municipality_code.as_ref().map(MunicipalityCode::as_str))
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::on_unique(e, "code"))?
        .try_get("id")?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(operator.who(), "org.organisation.create")
                .object("organisation", new.code.as_str())
                .subject_org(id)
                .detail(json!({ "name": new.name, "type": new.org_type.code() })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// All organisations: the directory every signed-in user may see (names and codes only).
    pub async fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, code, name, org_type, municipality_code FROM organisations ORDER BY name",
        )
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter().map(organisation_from_row).collect()
    }

    pub async fn organisation_by_code(
        &self,
        code: &str,
    ) -> Result<Option<Organisation>, StoreError> {
        let row = sqlx::query(
            "SELECT id, code, name, org_type, municipality_code FROM organisations WHERE code = $1",
        )
        .bind(code)
        .fetch_optional(&self.db.pool)
        .await?;
        row.as_ref().map(organisation_from_row).transpose()
    }

    /// The theme of the actor's organisation.
    pub async fn theme(&self, actor: &Actor) -> Result<Theme, StoreError> {
        let row = sqlx::query("SELECT theme_css, theme_class FROM organisations WHERE id = $1")
            .bind(actor.org_id())
            .fetch_one(&self.db.pool)
            .await?;
        Ok(Theme {
            css: row.try_get("theme_css")?,
            class: row.try_get("theme_class")?,
        })
    }

    /// Sets or clears the organisation's NL Design System theme. Needs
    /// [`Permission::ManageOrganisation`].
    pub async fn set_theme(&self, actor: &Actor, theme: Theme) -> Result<(), StoreError> {
        self.require(actor, Permission::ManageOrganisation, "org.theme.update")
            .await?;
        let css = theme.css.filter(|c| !c.trim().is_empty());
        if let Some(css) = &css
            && css.len() > MAX_THEME_CSS
        {
            return Err(StoreError::Invalid {
                field: "theme_css",
                reason: format!("at most {} KiB", MAX_THEME_CSS / 1024),
            });
        }
        let class = theme
            .class
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty());
        if let Some(class) = &class
            && (class.len() > 80
                || !class
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        {
            return Err(StoreError::Invalid {
                field: "theme_class",
                reason: "letters, digits, - and _ only".into(),
            });
        }
        let mut tx = self.db.begin().await?;
        sqlx::query("UPDATE organisations SET theme_css = $1, theme_class = $2 WHERE id = $3")
            .bind(&css)
            .bind(&class)
            .bind(actor.org_id())
            .execute(&mut *tx)
            .await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "org.theme.update")
                .object("organisation", actor.org_code())
                .subject_org(actor.org_id())
                .detail(
                    json!({ "class": class, "css_bytes": css.as_ref().map_or(0, String::len) }),
                ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    // ----- users ---------------------------------------------------------------------------

    async fn insert_user(&self, who: Who, org_id: i64, new: NewUser) -> Result<i64, StoreError> {
        let problems = PasswordPolicy::check(&new.password, &new.email);
        if !problems.is_empty() {
            return Err(StoreError::WeakPassword(problems));
        }
        let display_name = new.display_name.trim().to_owned();
        if display_name.chars().count() > 200 {
            return Err(StoreError::Invalid {
                field: "display_name",
                reason: "at most 200 characters".into(),
            });
        }
        if new.roles.is_empty() {
            return Err(StoreError::Invalid {
                field: "roles",
                reason: "at least one role".into(),
            });
        }
        let hash = hash_password(new.password).await?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO users (org_id, email, display_name, password_hash, created_at, password_changed_at) \
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(org_id)
        .bind(new.email.as_str())
        .bind(&display_name)
        .bind(&hash)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::on_unique(e, "email"))?
        .try_get("id")?;
        let mut roles = new.roles.clone();
        roles.sort();
        roles.dedup();
        for role in &roles {
            sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
                .bind(id)
                .bind(role.code())
                .execute(&mut *tx)
                .await?;
        }
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(who, "org.user.create")
                .object("user", id)
                .subject_org(org_id)
                .detail(json!({ "roles": roles.iter().map(|r| r.code()).collect::<Vec<_>>() })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Adds a user to the organisation with `org_code` (command line).
    pub async fn add_user(
        &self,
        operator: &Operator,
        org_code: &str,
        new: NewUser,
    ) -> Result<i64, StoreError> {
        let org = self
            .organisation_by_code(org_code)
            .await?
            .ok_or_else(|| StoreError::UnknownOrganisation(org_code.to_owned()))?;
        self.insert_user(operator.who(), org.id, new).await
    }

    /// Adds a user to the actor's own organisation. Needs [`Permission::ManageUsers`].
    pub async fn create_user(&self, actor: &Actor, new: NewUser) -> Result<i64, StoreError> {
        self.require(actor, Permission::ManageUsers, "org.user.create")
            .await?;
        self.insert_user(Who::actor(actor), actor.org_id(), new)
            .await
    }

    /// The users of the actor's organisation. Needs [`Permission::ManageUsers`]; the read of
    /// these personal data is audited.
    pub async fn users(&self, actor: &Actor, page: Page) -> Result<Paged<UserSummary>, StoreError> {
        self.require(actor, Permission::ManageUsers, "org.user.list")
            .await?;
        let mut tx = self.db.begin().await?;
        let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE org_id = $1")
            .bind(actor.org_id())
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        let ids: Vec<i64> =
            sqlx::query("SELECT id FROM users WHERE org_id = $1 ORDER BY email LIMIT $2 OFFSET $3")
                .bind(actor.org_id())
                .bind(page.limit())
                .bind(page.offset())
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| r.try_get("id"))
                .collect::<Result<_, _>>()?;
        let mut items = Vec::with_capacity(ids.len());
        for id in &ids {
            if let Some(u) = user_summary(&mut tx, *id, actor.org_id()).await? {
                items.push(u);
            }
        }
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "org.user.list")
                .object("user", "*")
                .subject_org(actor.org_id())
                .detail(json!({ "page": page.number, "ids": ids })),
        )
        .await?;
        tx.commit().await?;
        Ok(Paged { items, page, total })
    }

    /// One user of the actor's organisation. A user of another organisation is "not found"
    /// (and the attempt audited). Needs [`Permission::ManageUsers`].
    pub async fn user(&self, actor: &Actor, user_id: i64) -> Result<UserSummary, StoreError> {
        self.require(actor, Permission::ManageUsers, "org.user.read")
            .await?;
        let mut tx = self.db.begin().await?;
        let Some(user) = user_summary(&mut tx, user_id, actor.org_id()).await? else {
            let owner = owner_org(&mut tx, user_id).await?;
            drop(tx);
            return Err(self
                .not_found(actor, "user", &user_id.to_string(), owner)
                .await);
        };
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "org.user.read")
                .object("user", user_id)
                .subject_org(actor.org_id()),
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Replaces a user's roles and active flag. An administrator cannot take away its own
    /// administration right or deactivate itself (the organisation would lock itself out).
    pub async fn update_user(
        &self,
        actor: &Actor,
        user_id: i64,
        roles: Vec<Role>,
        active: bool,
    ) -> Result<UserSummary, StoreError> {
        self.require(actor, Permission::ManageUsers, "org.user.update")
            .await?;
        if roles.is_empty() {
            return Err(StoreError::Invalid {
                field: "roles",
                reason: "at least one role".into(),
            });
        }
        if user_id == actor.user_id() && (!active || !roles.contains(&Role::Admin)) {
            return Err(StoreError::Invalid {
                field: "roles",
                reason: "you cannot remove your own administration right".into(),
            });
        }
        let mut tx = self.db.begin().await?;
        let Some(before) = user_summary(&mut tx, user_id, actor.org_id()).await? else {
            let owner = owner_org(&mut tx, user_id).await?;
            drop(tx);
            return Err(self
                .not_found(actor, "user", &user_id.to_string(), owner)
                .await);
        };
        let mut roles = roles;
        roles.sort();
        roles.dedup();
        sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        for role in &roles {
            sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
                .bind(user_id)
                .bind(role.code())
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
            .bind(i64::from(active))
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if !active {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "org.user.update")
                .object("user", user_id)
                .subject_org(actor.org_id())
                .detail(json!({
                    "roles_before": before.roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
                    "roles_after": roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
                    "active_before": before.active,
                    "active_after": active,
                })),
        )
        .await?;
        let after = user_summary(&mut tx, user_id, actor.org_id())
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(after)
    }
}

async fn owner_org(conn: &mut AnyConnection, user_id: i64) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query("SELECT org_id FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get("org_id"))
        .transpose()?)
}

async fn user_summary(
    conn: &mut AnyConnection,
    user_id: i64,
    org_id: i64,
) -> Result<Option<UserSummary>, StoreError> {
    let row = sqlx::query(
        "SELECT id, email, display_name, active, totp_enabled, locked_until, created_at \
         FROM users WHERE id = $1 AND org_id = $2",
    )
    .bind(user_id)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let locked_until: Option<i64> = row.try_get("locked_until")?;
    let roles = load_roles(conn, user_id).await?;
    Ok(Some(UserSummary {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        roles,
        active: row.try_get::<i64, _>("active")? != 0,
        second_factor: row.try_get::<i64, _>("totp_enabled")? != 0,
        locked: locked_until.is_some_and(|t| t > now_ms()),
        created_at: row.try_get("created_at")?,
    }))
}

/// The tables whose rows belong to one organisation and are looked up by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owned {
    OwnIndicator,
    MatrixAction,
    MatrixVersion,
    ReadinessRound,
    Signal,
    Subject,
}

impl Owned {
    fn table(self) -> &'static str {
        match self {
            Self::OwnIndicator => "own_indicators",
            Self::MatrixAction => "matrix_actions",
            Self::MatrixVersion => "matrix_versions",
            Self::ReadinessRound => "readiness_rounds",
            Self::Signal => "signals",
            Self::Subject => "subjects",
        }
    }

    /// The object type in the audit chain.
    fn object_type(self) -> &'static str {
        match self {
            Self::OwnIndicator => "indicator",
            Self::MatrixAction => "action",
            Self::MatrixVersion => "matrix-version",
            Self::ReadinessRound => "readiness-round",
            Self::Signal => "signal",
            Self::Subject => "subject",
        }
    }
}

/// The id of an owned row: a number, or a text key.
#[derive(Debug, Clone, Copy)]
pub(crate) enum OwnedId<'a> {
    Int(i64),
    Text(&'a str),
}

impl std::fmt::Display for OwnedId<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Int(i) => write!(f, "{i}"),
            Self::Text(t) => f.write_str(t),
        }
    }
}
