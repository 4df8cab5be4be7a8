-- Sharing between organisations: covenants and their parties, shared cases with their
-- participants and items, hit/no-hit runs between organisations, and the exchange keys,
-- partners and packages of installations.

CREATE TABLE covenants (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_org_id   INTEGER NOT NULL REFERENCES organisations (id),
    name           TEXT    NOT NULL,
    purposes       TEXT    NOT NULL,
    categories     TEXT    NOT NULL,
    valid_from     TEXT    NOT NULL,
    valid_until    TEXT    NOT NULL,
    arrangement    TEXT    NOT NULL,
    retention_days INTEGER NOT NULL,
    terminated_at  INTEGER,
    created_by     TEXT    NOT NULL,
    created_at     INTEGER NOT NULL
);

CREATE TABLE covenant_parties (
    covenant_id INTEGER NOT NULL REFERENCES covenants (id),
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    legal_basis TEXT    NOT NULL,
    signatory   TEXT    NOT NULL,
    signed_at   INTEGER,
    signed_by   TEXT,
    PRIMARY KEY (covenant_id, org_id)
);
CREATE INDEX covenant_parties_org ON covenant_parties (org_id);

CREATE TABLE shared_cases (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    covenant_id   INTEGER NOT NULL REFERENCES covenants (id),
    owner_org_id  INTEGER NOT NULL REFERENCES organisations (id),
    title         TEXT    NOT NULL,
    phenomenon    TEXT    NOT NULL,
    signal_id     INTEGER,
    status        TEXT    NOT NULL,
    closed_at     INTEGER,
    destroy_after INTEGER,
    created_by    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE case_participants (
    case_id   INTEGER NOT NULL REFERENCES shared_cases (id),
    org_id    INTEGER NOT NULL REFERENCES organisations (id),
    added_by  TEXT    NOT NULL,
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (case_id, org_id)
);
CREATE INDEX case_participants_org ON case_participants (org_id);

CREATE TABLE shared_items (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id        INTEGER NOT NULL REFERENCES shared_cases (id),
    from_org_id    INTEGER NOT NULL REFERENCES organisations (id),
    title          TEXT    NOT NULL,
    content_sealed TEXT    NOT NULL,
    purpose        TEXT    NOT NULL,
    category       TEXT    NOT NULL,
    distribution   TEXT    NOT NULL,
    tlp            TEXT    NOT NULL,
    checks         TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    requested_by   TEXT    NOT NULL,
    decided_by     TEXT,
    decision_note  TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    decided_at     INTEGER
);
CREATE INDEX shared_items_case ON shared_items (case_id);

CREATE TABLE match_requests (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    asker_org_id     INTEGER NOT NULL REFERENCES organisations (id),
    responder_org_id INTEGER NOT NULL REFERENCES organisations (id),
    covenant_id      INTEGER NOT NULL REFERENCES covenants (id),
    kind             TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    asked_count      INTEGER NOT NULL,
    held_count       INTEGER,
    hit_count        INTEGER,
    request_points   BLOB,
    reply_points     BLOB,
    theirs_points    BLOB,
    asker_key_sealed TEXT    NOT NULL DEFAULT '',
    asker_ids_sealed TEXT    NOT NULL DEFAULT '',
    result_sealed    TEXT    NOT NULL DEFAULT '',
    created_by       TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    answered_by      TEXT,
    answered_at      INTEGER
);
CREATE INDEX match_requests_asker ON match_requests (asker_org_id, created_at);
CREATE INDEX match_requests_responder ON match_requests (responder_org_id, status);

CREATE TABLE exchange_keys (
    org_id        INTEGER PRIMARY KEY REFERENCES organisations (id),
    secret_sealed TEXT    NOT NULL,
    public_text   TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE exchange_partners (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    name        TEXT    NOT NULL,
    partner_org TEXT    NOT NULL,
    url         TEXT    NOT NULL,
    public_text TEXT    NOT NULL,
    created_by  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (org_id, partner_org)
);

CREATE TABLE exchange_packages (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id         INTEGER NOT NULL REFERENCES organisations (id),
    direction      TEXT    NOT NULL,
    package_id     TEXT    NOT NULL,
    partner_org    TEXT    NOT NULL,
    case_id        INTEGER,
    title          TEXT    NOT NULL,
    payload_sealed TEXT    NOT NULL DEFAULT '',
    created_by     TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    UNIQUE (org_id, direction, package_id)
);
