-- Versions of an organisation's own matrix of a phenomenon: appended, never edited. A
-- published version is a template other organisations may adopt as their own copy.

CREATE TABLE matrix_versions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    phenomenon  TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    document    TEXT    NOT NULL,
    note        TEXT    NOT NULL DEFAULT '',
    published   INTEGER NOT NULL DEFAULT 0,
    created_by  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (org_id, phenomenon, version)
);
