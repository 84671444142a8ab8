-- runs: one row per pipeline run; the newest says how fresh the published data is.
-- Grain: run_id.
-- Inputs: store.runs.
CREATE OR REPLACE VIEW runs AS
SELECT run_id, engine, started_at, finished_at, data_until, complaints, alerts_open
FROM store.runs;
