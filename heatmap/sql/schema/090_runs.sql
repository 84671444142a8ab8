-- store.runs: one row per pipeline run; the latest gives the dashboard its freshness stamp.
-- Grain: one row per run_id.
-- Inputs: pipelines.run.
CREATE TABLE IF NOT EXISTS store.runs (
    run_id        VARCHAR NOT NULL,
    engine        VARCHAR NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ NOT NULL,
    data_until    TIMESTAMPTZ,
    complaints    BIGINT NOT NULL,
    alerts_open   BIGINT NOT NULL
);
