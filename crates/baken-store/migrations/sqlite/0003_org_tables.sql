-- Organisations' own tables: one typed table per dataset, named here, with its columns.

CREATE TABLE org_tables (
    dataset    TEXT    PRIMARY KEY REFERENCES datasets (code) ON DELETE CASCADE,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    table_name TEXT    NOT NULL UNIQUE,
    columns    TEXT    NOT NULL,
    row_count  INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
