-- store.point_volumes: the complaints at source coordinates (point precision, not geocoded) per
-- calendar day in the engine's zone and issue type: the city's type shares and daily volumes
-- that a placeholder pile is compared with, kept so that a run adds only its batches.
-- Grain: one row per (day, issue_type).
-- Inputs: store.complaints (pipelines/sql/placeholder_inputs.sql).
CREATE TABLE IF NOT EXISTS store.point_volumes (
    day          DATE NOT NULL,
    issue_type   VARCHAR NOT NULL,
    n            BIGINT NOT NULL
);
