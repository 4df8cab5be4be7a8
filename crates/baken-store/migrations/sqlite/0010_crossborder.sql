-- Across the border: the register of cross-border cases, the letters produced for them, and
-- an organisation's own versions of the letter templates.

CREATE TABLE crossborder_cases (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id               INTEGER NOT NULL REFERENCES organisations (id),
    requesting_country   TEXT    NOT NULL,
    requested_country    TEXT    NOT NULL,
    phenomenon           TEXT    NOT NULL DEFAULT '',
    requesting_authority TEXT    NOT NULL,
    requested_authority  TEXT    NOT NULL,
    obstacle             TEXT    NOT NULL,
    outcome              TEXT    NOT NULL,
    note_sealed          TEXT    NOT NULL DEFAULT '',
    signal_id            INTEGER,
    created_by           TEXT    NOT NULL,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);
CREATE INDEX crossborder_cases_org ON crossborder_cases (org_id);

CREATE TABLE crossborder_letters (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id        INTEGER NOT NULL REFERENCES organisations (id),
    case_id       INTEGER NOT NULL REFERENCES crossborder_cases (id),
    template      TEXT    NOT NULL,
    language      TEXT    NOT NULL,
    receiver      TEXT    NOT NULL,
    fields_sealed TEXT    NOT NULL,
    created_by    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX crossborder_letters_case ON crossborder_letters (case_id);

CREATE TABLE letter_templates (
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    template   TEXT    NOT NULL,
    language   TEXT    NOT NULL,
    text       TEXT    NOT NULL,
    updated_by TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, template, language)
);
