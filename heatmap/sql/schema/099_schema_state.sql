-- store.schema_state: which schema and view files last brought this store up to date, so that
-- opening the writer runs them only when they (or DuckDB) changed (heatmap.store.create_schema).
-- Grain: one row. Inputs: written by heatmap.store.create_schema after the files ran.
CREATE TABLE IF NOT EXISTS store.schema_state (
    digest  VARCHAR NOT NULL
);
