-- Background jobs (imports started in the web): queued, claimed by one Baken process at a
-- time, with progress, so a page reload or another process sees the same state.

CREATE TABLE jobs (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    kind           TEXT    NOT NULL,
    org_id         INTEGER NOT NULL REFERENCES organisations (id),
    created_by     INTEGER NOT NULL REFERENCES users (id),
    status         TEXT    NOT NULL,
    file_name      TEXT    NOT NULL,
    file_bytes     BLOB    NOT NULL,
    dataset        TEXT,
    options        TEXT    NOT NULL,
    progress_done  INTEGER NOT NULL DEFAULT 0,
    progress_total INTEGER NOT NULL DEFAULT 0,
    message        TEXT,
    claimed_by     TEXT,
    heartbeat_at   INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX jobs_status ON jobs (status, id);
CREATE INDEX jobs_org ON jobs (org_id, id);
