-- store.surge_inputs: each issue type's citywide count in each surge window, with its baseline.
-- Grain: one row per (window_len, window_start, issue_type) where the type has a complaint
-- (a window without one cannot be a surge).
-- Inputs: store.complaints (pipelines/sql/surge_inputs.sql, run by pipelines.detect).
-- A window's inputs depend only on the complaints in it and in the history before it, so a run
-- replaces those of the windows from its earliest change on and keeps the rest. What the
-- window's hotspots explain is subtracted when it is scored, from the clusters of that run.
CREATE TABLE IF NOT EXISTS store.surge_inputs (
    window_start  TIMESTAMPTZ NOT NULL,
    window_len    VARCHAR NOT NULL,
    issue_type    VARCHAR NOT NULL,
    observed      BIGINT NOT NULL,
    others_now    BIGINT NOT NULL,
    type_hist     BIGINT NOT NULL,
    others_hist   BIGINT NOT NULL
);
