-- store.batches: lineage of every ingested file.
-- Grain: one row per ingest of one file (batch_id).
-- Inputs: heatmap ingest. rows_read = accepted + quarantined + duplicates, always.
CREATE SEQUENCE IF NOT EXISTS store.batch_ids START 1;
CREATE TABLE IF NOT EXISTS store.batches (
    batch_id      BIGINT NOT NULL,
    source_file   VARCHAR NOT NULL,
    file_sha256   VARCHAR NOT NULL,
    ingested_at   TIMESTAMPTZ NOT NULL,
    rows_read     BIGINT NOT NULL,
    accepted      BIGINT NOT NULL,
    quarantined   BIGINT NOT NULL,
    duplicates    BIGINT NOT NULL
);
