-- Areas in the division of a year, their boundaries, the SBI tree, published statistics and
-- the provenance of every import.

CREATE TABLE areas (
    code               TEXT    NOT NULL,
    year               INTEGER NOT NULL,
    level              TEXT    NOT NULL,
    name               TEXT    NOT NULL,
    province_code      TEXT,
    police_unit_code   TEXT,
    riec_region        TEXT,
    safety_region_code TEXT,
    population         INTEGER,
    urbanity           INTEGER,
    PRIMARY KEY (code, year)
);
CREATE INDEX areas_level ON areas (level, year);

CREATE TABLE area_boundaries (
    code     TEXT    NOT NULL,
    year     INTEGER NOT NULL,
    geometry TEXT    NOT NULL,
    PRIMARY KEY (code, year)
);

CREATE TABLE sbi_codes (
    code         TEXT    PRIMARY KEY,
    section      TEXT    NOT NULL,
    description  TEXT    NOT NULL,
    parent_code  TEXT,
    level        INTEGER NOT NULL,
    has_children INTEGER NOT NULL
);

CREATE TABLE datasets (
    code       TEXT    PRIMARY KEY,
    title      TEXT    NOT NULL,
    source     TEXT    NOT NULL,
    licence    TEXT    NOT NULL,
    org_id     INTEGER REFERENCES organisations (id),
    created_at INTEGER NOT NULL
);

CREATE TABLE observations (
    dataset   TEXT NOT NULL REFERENCES datasets (code) ON DELETE CASCADE,
    area_code TEXT NOT NULL,
    period    TEXT NOT NULL,
    measure   TEXT NOT NULL,
    category  TEXT NOT NULL,
    value     REAL,
    symbol    TEXT,
    PRIMARY KEY (dataset, area_code, period, measure, category)
);
CREATE INDEX observations_area ON observations (area_code, dataset);

CREATE TABLE imports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT    NOT NULL,
    dataset     TEXT,
    file_name   TEXT    NOT NULL,
    checksum    TEXT    NOT NULL,
    source      TEXT    NOT NULL,
    licence     TEXT    NOT NULL,
    actor_label TEXT    NOT NULL,
    org_id      INTEGER REFERENCES organisations (id),
    rows_read   INTEGER NOT NULL,
    rows_stored INTEGER NOT NULL,
    imported_at INTEGER NOT NULL
);
CREATE INDEX imports_checksum ON imports (kind, checksum);
