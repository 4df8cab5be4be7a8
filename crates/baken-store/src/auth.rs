//! Authentication: password hashing (Argon2id), server-side sessions, login throttling and
//! lockout, the optional TOTP second factor, and API tokens.
//!
//! Secrets are never stored as given: session ids and API tokens are kept as SHA-256 hashes,
//! passwords as Argon2id hashes. Everything lives in the database, so two Baken processes on one
//! PostgreSQL share sessions, lockouts and throttles.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use baken_domain::audit::Outcome;
use baken_domain::auth::PasswordPolicy;
use baken_domain::codes::Email;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngExt;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};
use totp_rs::{Secret, Totp};

use crate::audit::{Entry, Who, append};
use crate::org::AuthMethod;
use crate::{Actor, Operator, Store, StoreError, now_ms};

/// Timeouts and thresholds of authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthSettings {
    /// A session ends after this long without a request.
    pub idle_timeout_ms: i64,
    /// A session ends this long after login, whatever happens.
    pub absolute_timeout_ms: i64,
    /// Failed logins in a row after which an account is locked.
    pub lockout_threshold: i64,
    /// How long a locked account stays locked.
    pub lockout_ms: i64,
    /// Failed logins from one client within [`AuthSettings::throttle_window_ms`] after which
    /// that client is refused for the rest of the window.
    pub throttle_max_failures: i64,
    pub throttle_window_ms: i64,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            idle_timeout_ms: 30 * 60 * 1000,
            absolute_timeout_ms: 10 * 60 * 60 * 1000,
            lockout_threshold: 5,
            lockout_ms: 15 * 60 * 1000,
            throttle_max_failures: 20,
            throttle_window_ms: 15 * 60 * 1000,
        }
    }
}

/// The secret a browser holds to identify its session (the cookie value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionToken(pub String);

/// A session as a request sees it.
#[derive(Debug, Clone)]
pub struct SessionState {
    pub csrf_token: String,
    /// The signed-in user; `None` for an anonymous session (the login form) and while a
    /// second factor is still expected.
    pub actor: Option<Actor>,
    pub second_factor_pending: bool,
}

/// How a login attempt ended.
#[derive(Debug)]
pub enum LoginOutcome {
    /// Signed in: a fresh session (the previous session id is gone).
    SignedIn { token: SessionToken, actor: Actor },
    /// The password was right; a TOTP code is expected on the new session.
    SecondFactorRequired { token: SessionToken },
    /// Unknown e-mail or wrong password (never says which).
    Invalid,
    /// Too many failures: the account is locked until this time (Unix ms).
    LockedOut { until_ms: i64 },
    /// Too many failures from this client: try again later.
    Throttled,
}

/// What a user needs to add the second factor to an authenticator app.
#[derive(Debug, Clone)]
pub struct TotpSetup {
    pub secret_base32: String,
    pub otpauth_uri: String,
}

/// An API token as its owner sees it (never the token itself after creation).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApiTokenInfo {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked: bool,
}

/// The Argon2id hash (PHC string) of a password, computed off the async threads.
pub(crate) async fn hash_password(password: String) -> Result<String, StoreError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| StoreError::Internal(format!("hashing failed: {e}")))
    })
    .await
    .map_err(|e| StoreError::Internal(e.to_string()))?
}

async fn verify_password(hash: String, password: String) -> Result<bool, StoreError> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash)
            .map_err(|e| StoreError::Internal(format!("stored hash: {e}")))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| StoreError::Internal(e.to_string()))?
}

/// A hash to verify against when the e-mail is unknown, so that the answer takes as long as
/// for a known one and does not reveal which addresses exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0cAVU9vLDvjlHkDJW2+ydr8cDX4n9Kx8eaAgmLGmUtk";

fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

const API_TOKEN_PREFIX: &str = "baken_";

fn totp_for(secret: Secret, email: &str) -> Result<Totp, StoreError> {
    totp_rs::Builder::new()
        .with_secret(secret)
        .with_account_name(email.replace(':', ""))
        .with_issuer(Some("Baken"))
        .build()
        .map_err(|e| StoreError::Internal(format!("TOTP: {e}")))
}

impl Store {
    // ----- sessions ------------------------------------------------------------------------

    async fn insert_session(
        &self,
        conn: &mut AnyConnection,
        user_id: Option<i64>,
        second_factor_pending: bool,
    ) -> Result<(SessionToken, String), StoreError> {
        let token = random_secret();
        let csrf = random_secret();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, second_factor_pending, created_at, \
             last_seen_at, absolute_expiry) VALUES ($1, $2, $3, $4, $5, $5, $6)",
        )
        .bind(sha256_hex(&token))
        .bind(user_id)
        .bind(&csrf)
        .bind(i64::from(second_factor_pending))
        .bind(now)
        .bind(now + self.settings.absolute_timeout_ms)
        .execute(&mut *conn)
        .await?;
        Ok((SessionToken(token), csrf))
    }

    /// Starts an anonymous session (for the CSRF token of the login form).
    pub async fn start_anonymous_session(&self) -> Result<(SessionToken, String), StoreError> {
        let mut conn = self.db.pool.acquire().await?;
        self.insert_session(&mut conn, None, false).await
    }

    /// The session behind `token`, if it exists and has not expired. Refreshes its idle timer.
    pub async fn session(&self, token: &str) -> Result<Option<SessionState>, StoreError> {
        let id_hash = sha256_hex(token);
        let mut conn = self.db.pool.acquire().await?;
        let row = sqlx::query(
            "SELECT user_id, csrf_token, second_factor_pending, last_seen_at, absolute_expiry \
             FROM sessions WHERE id_hash = $1",
        )
        .bind(&id_hash)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let now = now_ms();
        let last_seen: i64 = row.try_get("last_seen_at")?;
        let absolute: i64 = row.try_get("absolute_expiry")?;
        if now >= absolute || now - last_seen >= self.settings.idle_timeout_ms {
            sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                .bind(&id_hash)
                .execute(&mut *conn)
                .await?;
            return Ok(None);
        }
        // Touch at most every 15 seconds: keeps the idle timer right without a write per request.
        if now - last_seen > 15_000 {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
                .bind(now)
                .bind(&id_hash)
                .execute(&mut *conn)
                .await?;
        }
        let user_id: Option<i64> = row.try_get("user_id")?;
        let pending = row.try_get::<i64, _>("second_factor_pending")? != 0;
        let actor = match (user_id, pending) {
            (Some(id), false) => Actor::load(&mut conn, id, AuthMethod::Session).await?,
            _ => None,
        };
        if user_id.is_some() && !pending && actor.is_none() {
            // The user was deactivated or removed: the session is worthless.
            sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                .bind(&id_hash)
                .execute(&mut *conn)
                .await?;
            return Ok(None);
        }
        Ok(Some(SessionState {
            csrf_token: row.try_get("csrf_token")?,
            actor,
            second_factor_pending: pending,
        }))
    }

    /// Ends a session. Audited when a user was signed in.
    pub async fn logout(&self, token: &str) -> Result<(), StoreError> {
        let id_hash = sha256_hex(token);
        let mut tx = self.db.begin().await?;
        let user: Option<i64> =
            sqlx::query("DELETE FROM sessions WHERE id_hash = $1 RETURNING user_id")
                .bind(&id_hash)
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| r.try_get::<Option<i64>, _>("user_id"))
                .transpose()?
                .flatten();
        if let Some(user_id) = user
            && let Some(actor) = Actor::load(&mut tx, user_id, AuthMethod::Session).await?
        {
            append(
                &mut tx,
                &self.audit_key,
                Entry::new(Who::actor(&actor), "auth.logout").subject_org(actor.org_id()),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Removes expired sessions and old login attempts. Cheap; called now and then.
    pub async fn purge_expired(&self) -> Result<u64, StoreError> {
        let now = now_ms();
        let sessions =
            sqlx::query("DELETE FROM sessions WHERE absolute_expiry <= $1 OR last_seen_at <= $2")
                .bind(now)
                .bind(now - self.settings.idle_timeout_ms)
                .execute(&self.db.pool)
                .await?
                .rows_affected();
        sqlx::query("DELETE FROM login_attempts WHERE at <= $1")
            .bind(now - self.settings.throttle_window_ms.max(24 * 60 * 60 * 1000))
            .execute(&self.db.pool)
            .await?;
        Ok(sessions)
    }

    // ----- login ---------------------------------------------------------------------------

    async fn client_is_throttled(&self, client: &str) -> Result<bool, StoreError> {
        let failures: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM login_attempts WHERE client = $1 AND success = 0 AND at > $2",
        )
        .bind(client)
        .bind(now_ms() - self.settings.throttle_window_ms)
        .fetch_one(&self.db.pool)
        .await?
        .try_get("n")?;
        Ok(failures >= self.settings.throttle_max_failures)
    }

    async fn record_attempt(
        conn: &mut AnyConnection,
        email: &str,
        client: &str,
        success: bool,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO login_attempts (email, client, at, success) VALUES ($1, $2, $3, $4)",
        )
        .bind(email)
        .bind(client)
        .bind(now_ms())
        .bind(i64::from(success))
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Takes one attempt for the user before its credential is checked, atomically: the
    /// counter goes up unless the account is locked. Concurrent attempts therefore cannot all
    /// see "not locked": the ones past the threshold are refused. Returns the attempt's number,
    /// or the end of the lock.
    async fn claim_attempt(
        &self,
        user_id: i64,
        org_id: i64,
        email: &str,
    ) -> Result<Result<i64, i64>, StoreError> {
        let now = now_ms();
        let claimed = sqlx::query(
            "UPDATE users SET failed_logins = failed_logins + 1 \
             WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2) RETURNING failed_logins",
        )
        .bind(user_id)
        .bind(now)
        .fetch_optional(&self.db.pool)
        .await?;
        match claimed {
            Some(row) => {
                let n: i64 = row.try_get("failed_logins")?;
                if n > self.settings.lockout_threshold {
                    let mut tx = self.db.begin().await?;
                    let until = self
                        .lock_account(&mut tx, user_id, org_id, email, n)
                        .await?;
                    tx.commit().await?;
                    return Ok(Err(until));
                }
                Ok(Ok(n))
            }
            None => {
                let until: Option<i64> =
                    sqlx::query("SELECT locked_until FROM users WHERE id = $1")
                        .bind(user_id)
                        .fetch_one(&self.db.pool)
                        .await?
                        .try_get("locked_until")?;
                Ok(Err(until.unwrap_or(now)))
            }
        }
    }

    /// Locks the account after `failures` failed attempts, and records it. Rows are always
    /// locked in the same order (the user's row, then the audit head), so that concurrent
    /// attempts cannot deadlock.
    async fn lock_account(
        &self,
        conn: &mut AnyConnection,
        user_id: i64,
        org_id: i64,
        email: &str,
        failures: i64,
    ) -> Result<i64, StoreError> {
        let until = Self::lock_row(conn, user_id, self.settings.lockout_ms).await?;
        self.audit_lockout(conn, user_id, org_id, email, failures, until)
            .await?;
        Ok(until)
    }

    async fn lock_row(
        conn: &mut AnyConnection,
        user_id: i64,
        lockout_ms: i64,
    ) -> Result<i64, StoreError> {
        let until = now_ms() + lockout_ms;
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = $1 WHERE id = $2")
            .bind(until)
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
        Ok(until)
    }

    async fn audit_lockout(
        &self,
        conn: &mut AnyConnection,
        user_id: i64,
        org_id: i64,
        email: &str,
        failures: i64,
        until: i64,
    ) -> Result<(), StoreError> {
        append(
            conn,
            &self.audit_key,
            Entry::new(
                Who {
                    user_id: Some(user_id),
                    org_id: Some(org_id),
                    label: email.to_owned(),
                },
                "auth.lockout",
            )
            .object("user", user_id)
            .subject_org(org_id)
            .outcome(Outcome::Denied)
            .detail(json!({ "failures": failures, "locked_until": until })),
        )
        .await?;
        Ok(())
    }

    /// Records a failed attempt number `attempt` (the user's row first, then the audit chain)
    /// and locks the account when that was the last one allowed. Returns the lock's end then.
    #[allow(clippy::too_many_arguments)]
    async fn fail_attempt(
        &self,
        conn: &mut AnyConnection,
        user_id: i64,
        org_id: i64,
        email: &str,
        attempt: i64,
        failure: Entry,
    ) -> Result<Option<i64>, StoreError> {
        let locked = if attempt >= self.settings.lockout_threshold {
            Some(Self::lock_row(conn, user_id, self.settings.lockout_ms).await?)
        } else {
            None
        };
        append(conn, &self.audit_key, failure).await?;
        if let Some(until) = locked {
            self.audit_lockout(conn, user_id, org_id, email, attempt, until)
                .await?;
        }
        Ok(locked)
    }

    /// Checks an e-mail address and password. On success the previous session (if any) is
    /// removed and a new one created: the session id always changes at login.
    pub async fn login(
        &self,
        email_input: &str,
        password: &str,
        client: &str,
        previous_session: Option<&str>,
    ) -> Result<LoginOutcome, StoreError> {
        let label: String = email_input.trim().chars().take(254).collect();
        if self.client_is_throttled(client).await? {
            let mut tx = self.db.begin().await?;
            append(
                &mut tx,
                &self.audit_key,
                Entry::new(Who::anonymous(label), "auth.login.throttled")
                    .outcome(Outcome::Denied)
                    .detail(json!({ "client": client })),
            )
            .await?;
            tx.commit().await?;
            return Ok(LoginOutcome::Throttled);
        }
        let row = match Email::parse(email_input) {
            Ok(email) => {
                sqlx::query(
                    "SELECT id, org_id, password_hash, totp_enabled, locked_until FROM users \
                 WHERE email = $1 AND active = 1",
                )
                .bind(email.as_str())
                .fetch_optional(&self.db.pool)
                .await?
            }
            Err(_) => None,
        };
        let Some(row) = row else {
            verify_password(DUMMY_HASH.to_owned(), password.to_owned()).await?;
            // An unknown address "locks" after as many failures as a real account, with the
            // same answer, so that the lockout does not tell which addresses exist.
            let window_start = now_ms() - self.settings.lockout_ms;
            let earlier: Vec<i64> = sqlx::query(
                "SELECT at FROM login_attempts WHERE email = $1 AND success = 0 AND at > $2 ORDER BY at",
            )
            .bind(&label)
            .bind(window_start)
            .fetch_all(&self.db.pool)
            .await?
            .iter()
            .map(|r| r.try_get("at"))
            .collect::<Result<_, _>>()?;
            let threshold = usize::try_from(self.settings.lockout_threshold).unwrap_or(usize::MAX);
            let locked_until = if earlier.len() + 1 >= threshold {
                // The moment the threshold was (or is now) reached, plus the lockout.
                let reached = earlier
                    .get(threshold.saturating_sub(1))
                    .copied()
                    .unwrap_or_else(now_ms);
                Some(reached + self.settings.lockout_ms)
            } else {
                None
            };
            let mut tx = self.db.begin().await?;
            Self::record_attempt(&mut tx, &label, client, false).await?;
            append(
                &mut tx,
                &self.audit_key,
                Entry::new(Who::anonymous(label), "auth.login.failed")
                    .outcome(Outcome::Failed)
                    .detail(json!({ "reason": "unknown-account", "client": client })),
            )
            .await?;
            tx.commit().await?;
            return Ok(match locked_until {
                Some(until_ms) => LoginOutcome::LockedOut { until_ms },
                None => LoginOutcome::Invalid,
            });
        };
        let user_id: i64 = row.try_get("id")?;
        let org_id: i64 = row.try_get("org_id")?;
        let hash: String = row.try_get("password_hash")?;
        let totp_enabled = row.try_get::<i64, _>("totp_enabled")? != 0;
        let who = Who {
            user_id: Some(user_id),
            org_id: Some(org_id),
            label: label.clone(),
        };

        let attempt = match self.claim_attempt(user_id, org_id, &label).await? {
            Ok(n) => n,
            Err(until) => {
                // As long as a wrong password takes, so that timing does not tell either.
                verify_password(DUMMY_HASH.to_owned(), password.to_owned()).await?;
                let mut tx = self.db.begin().await?;
                Self::record_attempt(&mut tx, &label, client, false).await?;
                append(
                    &mut tx,
                    &self.audit_key,
                    Entry::new(who, "auth.login.locked")
                        .object("user", user_id)
                        .subject_org(org_id)
                        .outcome(Outcome::Denied)
                        .detail(json!({ "locked_until": until, "client": client })),
                )
                .await?;
                tx.commit().await?;
                return Ok(LoginOutcome::LockedOut { until_ms: until });
            }
        };

        let ok = verify_password(hash, password.to_owned()).await?;
        let mut tx = self.db.begin().await?;
        if !ok {
            Self::record_attempt(&mut tx, &label, client, false).await?;
            let failure = Entry::new(who, "auth.login.failed")
                .object("user", user_id)
                .subject_org(org_id)
                .outcome(Outcome::Failed)
                .detail(json!({ "reason": "wrong-password", "client": client }));
            let locked = self
                .fail_attempt(&mut tx, user_id, org_id, &label, attempt, failure)
                .await?;
            tx.commit().await?;
            return Ok(match locked {
                Some(until_ms) => LoginOutcome::LockedOut { until_ms },
                None => LoginOutcome::Invalid,
            });
        }

        Self::record_attempt(&mut tx, &label, client, true).await?;
        if let Some(previous) = previous_session {
            sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                .bind(sha256_hex(previous))
                .execute(&mut *tx)
                .await?;
        }
        if totp_enabled {
            let (token, _) = self.insert_session(&mut tx, Some(user_id), true).await?;
            append(
                &mut tx,
                &self.audit_key,
                Entry::new(who, "auth.login.password_ok")
                    .object("user", user_id)
                    .subject_org(org_id)
                    .detail(json!({ "client": client, "second_factor": "expected" })),
            )
            .await?;
            tx.commit().await?;
            return Ok(LoginOutcome::SecondFactorRequired { token });
        }
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let (token, _) = self.insert_session(&mut tx, Some(user_id), false).await?;
        let actor = Actor::load(&mut tx, user_id, AuthMethod::Session)
            .await?
            .ok_or(StoreError::NotFound)?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(&actor), "auth.login")
                .object("user", user_id)
                .subject_org(org_id)
                .detail(json!({ "client": client })),
        )
        .await?;
        tx.commit().await?;
        Ok(LoginOutcome::SignedIn { token, actor })
    }

    /// Completes a login that waits for its TOTP code. On success the session id changes again.
    pub async fn complete_second_factor(
        &self,
        token: &str,
        code: &str,
        client: &str,
    ) -> Result<LoginOutcome, StoreError> {
        let id_hash = sha256_hex(token);
        let row = sqlx::query(
            "SELECT s.user_id, u.org_id, u.email, u.totp_secret, u.totp_last_step, u.locked_until \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.id_hash = $1 AND s.second_factor_pending = 1 AND u.active = 1",
        )
        .bind(&id_hash)
        .fetch_optional(&self.db.pool)
        .await?;
        let Some(row) = row else {
            return Ok(LoginOutcome::Invalid);
        };
        let user_id: i64 = row.try_get("user_id")?;
        let org_id: i64 = row.try_get("org_id")?;
        let email: String = row.try_get("email")?;
        let secret: Option<String> = row.try_get("totp_secret")?;
        let last_step: Option<i64> = row.try_get("totp_last_step")?;
        let who = Who {
            user_id: Some(user_id),
            org_id: Some(org_id),
            label: email.clone(),
        };
        let attempt = match self.claim_attempt(user_id, org_id, &email).await? {
            Ok(n) => n,
            Err(until) => return Ok(LoginOutcome::LockedOut { until_ms: until }),
        };
        let step = match secret.as_deref().map(Secret::try_from_base32) {
            Some(Ok(secret)) => totp_for(secret, &email)?.check_current(code.trim()),
            _ => None,
        };
        let fresh = step
            .and_then(|s| i64::try_from(s).ok())
            .filter(|s| last_step.is_none_or(|last| *s > last));
        let mut tx = self.db.begin().await?;
        // The code counts only if no other request used this step (or a later one) meanwhile:
        // checked and recorded in one statement, so a code cannot be used twice concurrently.
        let accepted =
            match fresh {
                Some(step) => sqlx::query(
                    "UPDATE users SET failed_logins = 0, locked_until = NULL, totp_last_step = $1 \
                 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
                )
                .bind(step)
                .bind(user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    == 1,
                None => false,
            };
        let Some(_step) = fresh.filter(|_| accepted) else {
            Self::record_attempt(&mut tx, &email, client, false).await?;
            let failure = Entry::new(who, "auth.second_factor.failed")
                .object("user", user_id)
                .subject_org(org_id)
                .outcome(Outcome::Failed)
                .detail(json!({ "client": client }));
            let locked = self
                .fail_attempt(&mut tx, user_id, org_id, &email, attempt, failure)
                .await?;
            if locked.is_some() {
                sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                    .bind(&id_hash)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            return Ok(match locked {
                Some(until_ms) => LoginOutcome::LockedOut { until_ms },
                None => LoginOutcome::Invalid,
            });
        };
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(&id_hash)
            .execute(&mut *tx)
            .await?;
        let (token, _) = self.insert_session(&mut tx, Some(user_id), false).await?;
        let actor = Actor::load(&mut tx, user_id, AuthMethod::Session)
            .await?
            .ok_or(StoreError::NotFound)?;
        Self::record_attempt(&mut tx, &email, client, true).await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(&actor), "auth.login")
                .object("user", user_id)
                .subject_org(org_id)
                .detail(json!({ "client": client, "second_factor": "totp" })),
        )
        .await?;
        tx.commit().await?;
        Ok(LoginOutcome::SignedIn { token, actor })
    }

    // ----- own account ---------------------------------------------------------------------

    /// Checks the signed-in user's password again before a sensitive change. A wrong one
    /// counts toward the lockout like a failed login and is audited; at the lockout the user's
    /// sessions end.
    async fn recheck_password(
        &self,
        actor: &Actor,
        password: &str,
        purpose: &str,
    ) -> Result<(), StoreError> {
        let wrong = || StoreError::Invalid {
            field: "current_password",
            reason: "does not match".into(),
        };
        let attempt = match self
            .claim_attempt(actor.user_id(), actor.org_id(), actor.email())
            .await?
        {
            Ok(n) => n,
            Err(_) => return Err(wrong()),
        };
        let hash: String = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
            .bind(actor.user_id())
            .fetch_one(&self.db.pool)
            .await?
            .try_get("password_hash")?;
        if verify_password(hash, password.to_owned()).await? {
            sqlx::query("UPDATE users SET failed_logins = 0 WHERE id = $1")
                .bind(actor.user_id())
                .execute(&self.db.pool)
                .await?;
            return Ok(());
        }
        let mut tx = self.db.begin().await?;
        let failure = Entry::new(Who::actor(actor), "auth.reauth.failed")
            .object("user", actor.user_id())
            .subject_org(actor.org_id())
            .outcome(Outcome::Failed)
            .detail(json!({ "purpose": purpose }));
        let locked = self
            .fail_attempt(
                &mut tx,
                actor.user_id(),
                actor.org_id(),
                actor.email(),
                attempt,
                failure,
            )
            .await?;
        if locked.is_some() {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(actor.user_id())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Err(wrong())
    }

    /// Changes the actor's own password after checking the current one and the rules. Ends
    /// every other session of the user (`keep` is the session making the change) and revokes
    /// the user's API tokens: whoever had them by the old password loses them.
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
        keep: Option<&str>,
    ) -> Result<(), StoreError> {
        self.recheck_password(actor, current, "password-change")
            .await?;
        let email = Email::parse(actor.email()).map_err(|e| StoreError::Internal(e.to_string()))?;
        let problems = PasswordPolicy::check(new, &email);
        if !problems.is_empty() {
            return Err(StoreError::WeakPassword(problems));
        }
        let new_hash = hash_password(new.to_owned()).await?;
        let mut tx = self.db.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
            .bind(&new_hash)
            .bind(now_ms())
            .bind(actor.user_id())
            .execute(&mut *tx)
            .await?;
        let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
            .bind(actor.user_id())
            .bind(keep.map(sha256_hex).unwrap_or_default())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let revoked = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(now_ms())
        .bind(actor.user_id())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "auth.password.change")
                .object("user", actor.user_id())
                .subject_org(actor.org_id())
                .detail(json!({ "sessions_ended": ended, "tokens_revoked": revoked })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Starts adding a second factor: a new secret, not yet active until confirmed.
    pub async fn begin_totp(&self, actor: &Actor) -> Result<TotpSetup, StoreError> {
        let secret = Secret::generate();
        let base32 = secret.to_base32();
        let uri = totp_for(secret, actor.email())?
            .to_url()
            .map_err(|e| StoreError::Internal(format!("TOTP: {e}")))?;
        let mut tx = self.db.begin().await?;
        // An active second factor is switched off only by `disable_totp`, which asks for the
        // password; starting a new set-up must not bypass that.
        let changed =
            sqlx::query("UPDATE users SET totp_secret = $1 WHERE id = $2 AND totp_enabled = 0")
                .bind(&base32)
                .bind(actor.user_id())
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if changed == 0 {
            return Err(StoreError::Invalid {
                field: "second_factor",
                reason: "already enabled; switch it off first".into(),
            });
        }
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "auth.second_factor.begin")
                .object("user", actor.user_id())
                .subject_org(actor.org_id()),
        )
        .await?;
        tx.commit().await?;
        Ok(TotpSetup {
            secret_base32: base32,
            otpauth_uri: uri,
        })
    }

    /// The pending secret of a setup that was started but not confirmed.
    pub async fn pending_totp(&self, actor: &Actor) -> Result<Option<TotpSetup>, StoreError> {
        let row = sqlx::query("SELECT totp_secret, totp_enabled FROM users WHERE id = $1")
            .bind(actor.user_id())
            .fetch_one(&self.db.pool)
            .await?;
        let enabled = row.try_get::<i64, _>("totp_enabled")? != 0;
        let secret: Option<String> = row.try_get("totp_secret")?;
        match (enabled, secret) {
            (false, Some(base32)) => {
                let secret = Secret::try_from_base32(&base32)
                    .map_err(|e| StoreError::Internal(format!("TOTP: {e}")))?;
                let uri = totp_for(secret, actor.email())?
                    .to_url()
                    .map_err(|e| StoreError::Internal(format!("TOTP: {e}")))?;
                Ok(Some(TotpSetup {
                    secret_base32: base32,
                    otpauth_uri: uri,
                }))
            }
            _ => Ok(None),
        }
    }

    pub async fn second_factor_enabled(&self, actor: &Actor) -> Result<bool, StoreError> {
        Ok(sqlx::query("SELECT totp_enabled FROM users WHERE id = $1")
            .bind(actor.user_id())
            .fetch_one(&self.db.pool)
            .await?
            .try_get::<i64, _>("totp_enabled")?
            != 0)
    }

    /// Activates the second factor when `code` matches the pending secret.
    pub async fn confirm_totp(&self, actor: &Actor, code: &str) -> Result<(), StoreError> {
        let secret: Option<String> = sqlx::query("SELECT totp_secret FROM users WHERE id = $1")
            .bind(actor.user_id())
            .fetch_one(&self.db.pool)
            .await?
            .try_get("totp_secret")?;
        let step = match secret.as_deref().map(Secret::try_from_base32) {
            Some(Ok(secret)) => totp_for(secret, actor.email())?.check_current(code.trim()),
            _ => None,
        };
        let Some(step) = step.and_then(|s| i64::try_from(s).ok()) else {
            return Err(StoreError::Invalid {
                field: "code",
                reason: "does not match".into(),
            });
        };
        let mut tx = self.db.begin().await?;
        sqlx::query("UPDATE users SET totp_enabled = 1, totp_last_step = $1 WHERE id = $2")
            .bind(step)
            .bind(actor.user_id())
            .execute(&mut *tx)
            .await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "auth.second_factor.enable")
                .object("user", actor.user_id())
                .subject_org(actor.org_id()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Switches the second factor off after checking the password.
    pub async fn disable_totp(&self, actor: &Actor, password: &str) -> Result<(), StoreError> {
        self.recheck_password(actor, password, "second-factor-off")
            .await?;
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "UPDATE users SET totp_enabled = 0, totp_secret = NULL, totp_last_step = NULL WHERE id = $1",
        )
        .bind(actor.user_id())
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "auth.second_factor.disable")
                .object("user", actor.user_id())
                .subject_org(actor.org_id()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    // ----- API tokens ----------------------------------------------------------------------

    async fn insert_token(
        &self,
        who: Who,
        user_id: i64,
        org_id: i64,
        name: &str,
    ) -> Result<(i64, String), StoreError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(StoreError::Invalid {
                field: "name",
                reason: "1 to 100 characters".into(),
            });
        }
        let token = format!("{API_TOKEN_PREFIX}{}", random_secret());
        let mut tx = self.db.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(user_id)
        .bind(name)
        .bind(sha256_hex(&token))
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(who, "auth.token.create")
                .object("api_token", id)
                .subject_org(org_id)
                .detail(json!({ "user": user_id, "name": name })),
        )
        .await?;
        tx.commit().await?;
        Ok((id, token))
    }

    /// Creates an API token for the actor. The token is returned once and stored hashed.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        name: &str,
    ) -> Result<(i64, String), StoreError> {
        self.insert_token(Who::actor(actor), actor.user_id(), actor.org_id(), name)
            .await
    }

    /// Creates an API token for the user with `email` (command line).
    pub async fn create_api_token_for(
        &self,
        operator: &Operator,
        email: &str,
        name: &str,
    ) -> Result<String, StoreError> {
        let email = Email::parse(email).map_err(|e| StoreError::Invalid {
            field: "email",
            reason: e.to_string(),
        })?;
        let row = sqlx::query("SELECT id, org_id FROM users WHERE email = $1 AND active = 1")
            .bind(email.as_str())
            .fetch_optional(&self.db.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let (_, token) = self
            .insert_token(
                operator.who(),
                row.try_get("id")?,
                row.try_get("org_id")?,
                name,
            )
            .await?;
        Ok(token)
    }

    /// The actor's own API tokens.
    pub async fn api_tokens(&self, actor: &Actor) -> Result<Vec<ApiTokenInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens \
             WHERE user_id = $1 ORDER BY id DESC",
        )
        .bind(actor.user_id())
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ApiTokenInfo {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    created_at: r.try_get("created_at")?,
                    last_used_at: r.try_get("last_used_at")?,
                    revoked: r.try_get::<Option<i64>, _>("revoked_at")?.is_some(),
                })
            })
            .collect()
    }

    /// Revokes one of the actor's own tokens; another user's token is "not found".
    pub async fn revoke_api_token(&self, actor: &Actor, token_id: i64) -> Result<(), StoreError> {
        let mut tx = self.db.begin().await?;
        let changed = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind(now_ms())
        .bind(token_id)
        .bind(actor.user_id())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            drop(tx);
            return Err(self
                .not_found(actor, "api_token", &token_id.to_string(), None)
                .await);
        }
        append(
            &mut tx,
            &self.audit_key,
            Entry::new(Who::actor(actor), "auth.token.revoke")
                .object("api_token", token_id)
                .subject_org(actor.org_id()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The actor behind a bearer token, if the token is known, not revoked, and its user active.
    pub async fn token_actor(&self, token: &str) -> Result<Option<Actor>, StoreError> {
        if !token.starts_with(API_TOKEN_PREFIX) || token.len() > 200 {
            return Ok(None);
        }
        let mut conn = self.db.pool.acquire().await?;
        let row = sqlx::query(
            "SELECT id, user_id, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(sha256_hex(token))
        .fetch_optional(&mut *conn)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let id: i64 = row.try_get("id")?;
        let last_used: Option<i64> = row.try_get("last_used_at")?;
        let now = now_ms();
        if last_used.is_none_or(|t| now - t > 60_000) {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
        Actor::load(&mut conn, row.try_get("user_id")?, AuthMethod::ApiToken).await
    }
}
