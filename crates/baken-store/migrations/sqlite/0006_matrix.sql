-- An organisation's inventory of sources (vindplaatsen) and its action list. Every change is
-- also recorded in the audit chain, with the values before and after.

CREATE TABLE inventory (
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    source       TEXT    NOT NULL,
    have         INTEGER NOT NULL,
    access       TEXT    NOT NULL,
    department   TEXT    NOT NULL DEFAULT '',
    contact      TEXT    NOT NULL DEFAULT '',
    quality      INTEGER,
    last_checked TEXT,
    connected    TEXT,
    updated_by   TEXT    NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (org_id, source)
);

CREATE TABLE matrix_actions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    what       TEXT    NOT NULL,
    who        TEXT    NOT NULL,
    due        TEXT,
    status     TEXT    NOT NULL,
    source     TEXT,
    created_by TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX matrix_actions_org ON matrix_actions (org_id);
