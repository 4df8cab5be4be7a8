-- Platform foundation: organisations, users and roles, sessions, API tokens, login throttling,
-- and the audit chain. Timestamps are Unix milliseconds (UTC) in INTEGER columns on both backends.

CREATE TABLE organisations (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    code              TEXT    NOT NULL UNIQUE,
    name              TEXT    NOT NULL,
    org_type          TEXT    NOT NULL,
    municipality_code TEXT    UNIQUE,
    theme_css         TEXT,
    theme_class       TEXT,
    created_at        INTEGER NOT NULL
);

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id              INTEGER NOT NULL REFERENCES organisations (id),
    email               TEXT    NOT NULL UNIQUE,
    display_name        TEXT    NOT NULL,
    password_hash       TEXT    NOT NULL,
    totp_secret         TEXT,
    totp_enabled        INTEGER NOT NULL DEFAULT 0,
    totp_last_step      INTEGER,
    active              INTEGER NOT NULL DEFAULT 1,
    failed_logins       INTEGER NOT NULL DEFAULT 0,
    locked_until        INTEGER,
    created_at          INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT    NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE sessions (
    id_hash               TEXT    PRIMARY KEY,
    user_id               INTEGER REFERENCES users (id) ON DELETE CASCADE,
    csrf_token            TEXT    NOT NULL,
    second_factor_pending INTEGER NOT NULL DEFAULT 0,
    created_at            INTEGER NOT NULL,
    last_seen_at          INTEGER NOT NULL,
    absolute_expiry       INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (absolute_expiry);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE login_attempts (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    email   TEXT    NOT NULL,
    client  TEXT    NOT NULL,
    at      INTEGER NOT NULL,
    success INTEGER NOT NULL
);
CREATE INDEX login_attempts_client ON login_attempts (client, at);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT    NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    seq            INTEGER PRIMARY KEY,
    occurred_at    INTEGER NOT NULL,
    actor_user_id  INTEGER,
    actor_org_id   INTEGER,
    actor_label    TEXT    NOT NULL,
    action         TEXT    NOT NULL,
    object_type    TEXT,
    object_id      TEXT,
    subject_org_id INTEGER,
    outcome        TEXT    NOT NULL,
    detail         TEXT    NOT NULL,
    prev_hash      TEXT    NOT NULL,
    hash           TEXT    NOT NULL
);
CREATE INDEX audit_log_actor_org ON audit_log (actor_org_id, seq);
CREATE INDEX audit_log_subject_org ON audit_log (subject_org_id, seq);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);

-- The log is append-only for the application. A database administrator can drop these
-- triggers; the keyed hash chain is what makes such an edit visible to `baken audit verify`.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
