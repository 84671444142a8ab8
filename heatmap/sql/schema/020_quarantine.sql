-- store.quarantine: every row that was read but not accepted, with the reason.
-- Grain: one row per rejected source row (batch_id, source_row).
-- Inputs: heatmap ingest. reason is a stable code (docs/SQL.md lists them), detail says more
-- (the text that failed, the fix); raw holds the source row as JSON, with personal fields
-- masked.
CREATE TABLE IF NOT EXISTS store.quarantine (
    batch_id     BIGINT NOT NULL,
    source_file  VARCHAR NOT NULL,
    source_row   BIGINT NOT NULL,
    reason       VARCHAR NOT NULL,
    detail       VARCHAR,
    raw          VARCHAR
);
