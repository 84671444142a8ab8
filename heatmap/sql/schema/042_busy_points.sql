-- store.busy_points: the source coordinates with at least the placeholder floor of complaints
-- (RunSettings.placeholder_min_complaints), and what a placeholder pile is judged on: a superset
-- of store.placeholder_points, kept so that a run recounts only the coordinates its batches
-- touch. first_day and last_day are calendar days in the engine's zone.
-- Grain: one row per (lat, lon).
-- Inputs: store.complaints (pipelines/sql/placeholder_inputs.sql).
CREATE TABLE IF NOT EXISTS store.busy_points (
    lat          DOUBLE NOT NULL,
    lon          DOUBLE NOT NULL,
    cell         UBIGINT NOT NULL,
    n            BIGINT NOT NULL,
    n_types      BIGINT NOT NULL,
    n_days       BIGINT NOT NULL,
    first_at     TIMESTAMPTZ NOT NULL,
    last_at      TIMESTAMPTZ NOT NULL,
    first_day    DATE NOT NULL,
    last_day     DATE NOT NULL
);
