-- batches: one row per ingested file, with its row accounting.
-- Grain: batch_id.
-- Inputs: store.batches.
CREATE OR REPLACE VIEW batches AS
SELECT batch_id, source_file, file_sha256, ingested_at, rows_read, accepted, quarantined, duplicates
FROM store.batches;
