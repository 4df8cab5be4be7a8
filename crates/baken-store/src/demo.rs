//! Demo organisations and users, for `baken serve --demo` and the tests.
//!
//! Four organisations of the RIEC region Zeeland-West-Brabant, and one user per role with the
//! e-mail address `<role>@<org>.demo`. Seeding is idempotent: what exists is left alone.

use baken_domain::auth::{PasswordPolicy, Role};
use baken_domain::codes::{Email, MunicipalityCode, OrgCode};
use baken_domain::org::{NewOrganisation, OrgType};
use serde_json::json;
use sqlx::Row;

use crate::audit::{Entry, append};
use crate::auth::hash_password;
use crate::org::AuthMethod;
use crate::{Actor, Operator, Store, StoreError, now_ms};

/// The password of the demo users unless `BAKEN_DEMO_PASSWORD` says otherwise.
pub const DEFAULT_DEMO_PASSWORD: &str = "Baken-demo-2026";

/// A demo organisation: code, name, type, CBS code.
pub const DEMO_ORGANISATIONS: [(&str, &str, OrgType, Option<&str>); 4] = [
    (
        "tilburg",
        "Gemeente Tilburg",
        OrgType::Municipality,
        Some("GM0855"),
    ),
    (
        "breda",
        "Gemeente Breda",
        OrgType::Municipality,
        Some("GM0758"),
    ),
    ("riec-zwb", "RIEC Zeeland-West-Brabant", OrgType::Riec, None),
    (
        "politie-zwb",
        "Politie Zeeland-West-Brabant",
        OrgType::Police,
        None,
    ),
];

const MUNICIPAL_ROLES: [Role; 7] = [
    Role::Admin,
    Role::Coordinator,
    Role::Analyst,
    Role::TeamMember,
    Role::PrivacyOfficer,
    Role::SourceOwner,
    Role::Viewer,
];

/// Every demo user: (e-mail, organisation code, role).
pub fn demo_users() -> Vec<(String, &'static str, Role)> {
    let mut users = Vec::new();
    for org in ["tilburg", "breda"] {
        for role in MUNICIPAL_ROLES {
            users.push((format!("{}@{org}.demo", role.code()), org, role));
        }
    }
    users.push((
        "analist@riec-zwb.demo".to_owned(),
        "riec-zwb",
        Role::Analyst,
    ));
    users.push((
        "partner@politie-zwb.demo".to_owned(),
        "politie-zwb",
        Role::Partner,
    ));
    // Each covenant party signs for itself and approves its own shares.
    for org in ["riec-zwb", "politie-zwb"] {
        users.push((format!("privacy@{org}.demo"), org, Role::PrivacyOfficer));
    }
    users
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Admin => "Beheerder",
        Role::Coordinator => "Regisseur ondermijning",
        Role::Analyst => "Analist",
        Role::TeamMember => "Lid ondermijningsteam",
        Role::PrivacyOfficer => "Privacyfunctionaris",
        Role::SourceOwner => "Medewerker vakafdeling",
        Role::Partner => "Partner",
        Role::Viewer => "Lezer",
    }
}

/// What seeding did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSeed {
    pub organisations_created: usize,
    pub users_created: usize,
}

impl Store {
    /// Creates the demo organisations and users that do not exist yet, in one transaction.
    pub async fn seed_demo(
        &self,
        operator: &Operator,
        password: &str,
    ) -> Result<DemoSeed, StoreError> {
        // One hash for all demo users: Argon2id is slow on purpose, and these accounts share a
        // published password anyway.
        for (email, _, _) in demo_users() {
            let email = Email::parse(&email).map_err(|e| StoreError::Internal(e.to_string()))?;
            let problems = PasswordPolicy::check(password, &email);
            if !problems.is_empty() {
                return Err(StoreError::WeakPassword(problems));
            }
        }
        let hash = hash_password(password.to_owned()).await?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let mut seed = DemoSeed {
            organisations_created: 0,
            users_created: 0,
        };
        for (code, name, org_type, gm) in DEMO_ORGANISATIONS {
            let org = NewOrganisation::new(
                OrgCode::parse(code).map_err(|e| StoreError::Internal(e.to_string()))?,
                name,
                org_type,
                gm.map(MunicipalityCode::parse)
                    .transpose()
                    .map_err(|e| StoreError::Internal(e.to_string()))?,
            )
            .map_err(|e| StoreError::Internal(e.to_string()))?;
            let inserted = sqlx::query(
                "INSERT INTO organisations (code, name, org_type, municipality_code, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING RETURNING id",
            )
            .bind(org.code.as_str())
            .bind(&org.name)
            .bind(org.org_type.code())
            .bind(org.municipality_code.as_ref().map(MunicipalityCode::as_str))
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(row) = inserted {
                let id: i64 = row.try_get("id")?;
                seed.organisations_created += 1;
                append(
                    &mut tx,
                    &self.audit_key,
                    Entry::new(operator.who(), "org.organisation.create")
                        .object("organisation", code)
                        .subject_org(id)
                        .detail(json!({ "name": name, "type": org_type.code(), "demo": true })),
                )
                .await?;
            }
        }
        for (email, org_code, role) in demo_users() {
            let org_id: i64 = sqlx::query("SELECT id FROM organisations WHERE code = $1")
                .bind(org_code)
                .fetch_one(&mut *tx)
                .await?
                .try_get("id")?;
            let org_name = DEMO_ORGANISATIONS
                .iter()
                .find(|o| o.0 == org_code)
                .map_or(org_code, |o| o.1);
            let inserted = sqlx::query(
                "INSERT INTO users (org_id, email, display_name, password_hash, created_at, password_changed_at) \
                 VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (email) DO NOTHING RETURNING id",
            )
            .bind(org_id)
            .bind(&email)
            .bind(format!("{} {} (demo)", role_label(role), org_name))
            .bind(&hash)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = inserted else { continue };
            let user_id: i64 = row.try_get("id")?;
            sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
                .bind(user_id)
                .bind(role.code())
                .execute(&mut *tx)
                .await?;
            seed.users_created += 1;
            append(
                &mut tx,
                &self.audit_key,
                Entry::new(operator.who(), "org.user.create")
                    .object("user", user_id)
                    .subject_org(org_id)
                    .detail(json!({ "roles": [role.code()], "demo": true })),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(seed)
    }
}

impl Store {
    /// A demo user as an actor, for the demo seeder to walk signals through the step plan with
    /// the same rules and audit as people do. Only `*.demo` users can be had this way.
    pub async fn demo_actor(&self, operator: &Operator, email: &str) -> Result<Actor, StoreError> {
        if !email.ends_with(".demo") {
            return Err(StoreError::Invalid {
                field: "email",
                reason: "only demo users act for the demo seeder".into(),
            });
        }
        let _ = operator;
        let mut conn = self.db.pool.acquire().await?;
        let id: i64 = sqlx::query("SELECT id FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound)?
            .try_get("id")?;
        Actor::load(&mut conn, id, AuthMethod::Demo)
            .await?
            .ok_or(StoreError::NotFound)
    }
}
