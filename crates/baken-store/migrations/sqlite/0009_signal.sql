-- Signals and the step plan. Personal data is sealed (encrypted with a key kept outside the
-- database): persons' names and dates of birth, descriptions, reporters' contact details, step
-- fields, source details and attachments. Persons are linked by a keyed pseudonym. History is
-- appended, never edited; destruction leaves a tombstone with metadata only.

-- An organisation's own copy of the step plan, and whether it offers it as a template.
CREATE TABLE signal_protocols (
    org_id       INTEGER PRIMARY KEY REFERENCES organisations (id),
    config       TEXT    NOT NULL,
    adopted_from TEXT    NOT NULL DEFAULT '',
    published    INTEGER NOT NULL DEFAULT 0,
    updated_by   TEXT    NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE TABLE subjects (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id        INTEGER NOT NULL REFERENCES organisations (id),
    kind          TEXT    NOT NULL,
    key           TEXT    NOT NULL,
    alt_key       TEXT    NOT NULL DEFAULT '',
    label         TEXT    NOT NULL DEFAULT '',
    details       TEXT    NOT NULL DEFAULT '{}',
    sealed        TEXT    NOT NULL DEFAULT '',
    neighbourhood TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    UNIQUE (org_id, kind, key)
);

CREATE TABLE subject_relations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    from_subject INTEGER NOT NULL REFERENCES subjects (id),
    to_subject   INTEGER NOT NULL REFERENCES subjects (id),
    kind         TEXT    NOT NULL,
    valid_from   TEXT    NOT NULL,
    valid_until  TEXT    NOT NULL DEFAULT '',
    source       TEXT    NOT NULL,
    recorded_by  TEXT    NOT NULL,
    recorded_at  INTEGER NOT NULL
);
CREATE INDEX subjects_alt_key ON subjects (org_id, kind, alt_key);

CREATE INDEX subject_relations_from ON subject_relations (from_subject);
CREATE INDEX subject_relations_to ON subject_relations (to_subject);

CREATE TABLE signals (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id              INTEGER NOT NULL REFERENCES organisations (id),
    reference           TEXT    NOT NULL,
    state               TEXT    NOT NULL,
    received_on         TEXT    NOT NULL,
    channel             TEXT    NOT NULL,
    reporter_org        TEXT    NOT NULL DEFAULT '',
    reporter_department TEXT    NOT NULL DEFAULT '',
    reporter_sealed     TEXT    NOT NULL DEFAULT '',
    description_sealed  TEXT    NOT NULL,
    phenomenon          TEXT    NOT NULL DEFAULT '',
    indicators          TEXT    NOT NULL DEFAULT '[]',
    source_grade        TEXT    NOT NULL,
    info_grade          TEXT    NOT NULL,
    tlp                 TEXT    NOT NULL,
    created_by          TEXT    NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    closed_at           INTEGER,
    destroy_after       INTEGER,
    UNIQUE (org_id, reference)
);
CREATE INDEX signals_org_state ON signals (org_id, state);
CREATE INDEX signals_destroy ON signals (destroy_after);

CREATE TABLE signal_subjects (
    signal_id  INTEGER NOT NULL REFERENCES signals (id),
    subject_id INTEGER NOT NULL REFERENCES subjects (id),
    PRIMARY KEY (signal_id, subject_id)
);
CREATE INDEX signal_subjects_subject ON signal_subjects (subject_id);

CREATE TABLE signal_steps (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    signal_id     INTEGER NOT NULL REFERENCES signals (id),
    action        TEXT    NOT NULL,
    from_state    TEXT    NOT NULL,
    to_state      TEXT    NOT NULL,
    legal_basis   TEXT    NOT NULL DEFAULT '',
    fields_sealed TEXT    NOT NULL,
    actor_user_id INTEGER,
    actor_label   TEXT    NOT NULL,
    taken_at      INTEGER NOT NULL
);
CREATE INDEX signal_steps_signal ON signal_steps (signal_id);

CREATE TABLE signal_attachments (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    signal_id      INTEGER NOT NULL REFERENCES signals (id),
    name           TEXT    NOT NULL,
    media_type     TEXT    NOT NULL,
    size           INTEGER NOT NULL,
    content_sealed TEXT    NOT NULL,
    added_by       TEXT    NOT NULL,
    added_at       INTEGER NOT NULL
);
CREATE INDEX signal_attachments_signal ON signal_attachments (signal_id);

-- A municipal register's extract, connected as a source that answers hit/no-hit.
CREATE TABLE connected_sources (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id        INTEGER NOT NULL REFERENCES organisations (id),
    code          TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    matrix_source TEXT    NOT NULL DEFAULT '',
    department    TEXT    NOT NULL DEFAULT '',
    entries       INTEGER NOT NULL DEFAULT 0,
    refreshed_by  TEXT    NOT NULL,
    refreshed_at  INTEGER NOT NULL,
    UNIQUE (org_id, code)
);

CREATE TABLE source_entries (
    source_id     INTEGER NOT NULL REFERENCES connected_sources (id),
    kind          TEXT    NOT NULL,
    key           TEXT    NOT NULL,
    detail_sealed TEXT    NOT NULL
);
CREATE INDEX source_entries_key ON source_entries (source_id, kind, key);

-- Which sources privacy check 1 approved for a signal: the store asks no other.
CREATE TABLE signal_source_approvals (
    signal_id INTEGER NOT NULL REFERENCES signals (id),
    source_id INTEGER NOT NULL REFERENCES connected_sources (id),
    step_id   INTEGER NOT NULL REFERENCES signal_steps (id),
    PRIMARY KEY (signal_id, source_id)
);

-- Every hit/no-hit question and its answer, and the detail requests that follow a hit.
CREATE TABLE source_questions (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    signal_id           INTEGER NOT NULL REFERENCES signals (id),
    source_id           INTEGER NOT NULL REFERENCES connected_sources (id),
    subject_id          INTEGER NOT NULL REFERENCES subjects (id),
    hit                 INTEGER NOT NULL,
    asked_by            TEXT    NOT NULL,
    asked_at            INTEGER NOT NULL,
    detail_reason_sealed TEXT   NOT NULL DEFAULT '',
    detail_requested_by TEXT    NOT NULL DEFAULT '',
    detail_requested_at INTEGER,
    detail_decided_by   TEXT    NOT NULL DEFAULT '',
    detail_decided_at   INTEGER,
    detail_approved     INTEGER
);
CREATE INDEX source_questions_signal ON source_questions (signal_id);

-- What remains of a destroyed signal: metadata only, never content or subjects.
CREATE TABLE signal_tombstones (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    signal_id    INTEGER NOT NULL,
    reference    TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    phenomenon   TEXT    NOT NULL,
    received_on  TEXT    NOT NULL,
    closed_at    INTEGER,
    steps        INTEGER NOT NULL,
    subjects     INTEGER NOT NULL,
    reason       TEXT    NOT NULL,
    batch        TEXT    NOT NULL,
    destroyed_by TEXT    NOT NULL,
    destroyed_at INTEGER NOT NULL
);
CREATE INDEX signal_tombstones_org ON signal_tombstones (org_id);

-- Data-subject requests (access, correction, erasure) and how they were handled.
CREATE TABLE subject_requests (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    kind         TEXT    NOT NULL,
    subject_ref  TEXT    NOT NULL,
    note_sealed  TEXT    NOT NULL DEFAULT '',
    handled_by   TEXT    NOT NULL,
    handled_at   INTEGER NOT NULL
);
