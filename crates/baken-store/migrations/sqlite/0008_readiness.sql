-- Readiness: self-assessment rounds of an organisation, each member's answers, and progress
-- through the e-learning.

CREATE TABLE readiness_rounds (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    note       TEXT    NOT NULL DEFAULT '',
    started_by TEXT    NOT NULL,
    started_at INTEGER NOT NULL,
    closed_at  INTEGER
);
CREATE INDEX readiness_rounds_org ON readiness_rounds (org_id);

CREATE TABLE readiness_responses (
    round_id     INTEGER NOT NULL REFERENCES readiness_rounds (id),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    answers      TEXT    NOT NULL,
    submitted_at INTEGER NOT NULL,
    PRIMARY KEY (round_id, user_id)
);

CREATE TABLE course_progress (
    user_id     INTEGER NOT NULL REFERENCES users (id),
    module      TEXT    NOT NULL,
    quiz        TEXT    NOT NULL,
    answer      INTEGER NOT NULL,
    correct     INTEGER NOT NULL,
    answered_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, quiz)
);
