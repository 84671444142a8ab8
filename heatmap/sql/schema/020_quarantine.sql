-- store.quarantine: every row that was read but not accepted, with the reason.
-- Grain: one row per rejected source row (batch_id, source_row).
-- Inputs: heatmap ingest. raw holds the source row as JSON, with personal fields masked.
CREATE TABLE IF NOT EXISTS store.quarantine (
    batch_id     BIGINT NOT NULL,
    source_file  VARCHAR NOT NULL,
    source_row   BIGINT NOT NULL,
    reason       VARCHAR NOT NULL,
    detail       VARCHAR,
    raw          VARCHAR
);
