-- quarantine: rows that were read but not accepted, and why.
-- Grain: one row per rejected source row.
-- Inputs: store.quarantine.
CREATE OR REPLACE VIEW quarantine AS
SELECT reason, detail, source_file, source_row, batch_id, raw
FROM store.quarantine;
