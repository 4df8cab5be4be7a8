-- Indicators an organisation defines on its own imported data. The definition is the same
-- document as a catalogue entry; `shared` makes it visible (figures only) to other
-- organisations.

CREATE TABLE own_indicators (
    id          TEXT    PRIMARY KEY,
    org_id      BIGINT  NOT NULL REFERENCES organisations (id),
    dataset     TEXT    NOT NULL REFERENCES datasets (code) ON DELETE CASCADE,
    definition  TEXT    NOT NULL,
    shared      BIGINT  NOT NULL DEFAULT 0,
    created_by  TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX own_indicators_org ON own_indicators (org_id);
