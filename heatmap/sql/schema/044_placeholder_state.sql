-- store.placeholder_state: the floor and the time zone that store.busy_points and
-- store.point_volumes were counted with. No row (a store written before they were kept),
-- another floor or another zone: the next run counts them all again.
-- Grain: one row. Inputs: pipelines/sql/placeholder_inputs.sql.
CREATE TABLE IF NOT EXISTS store.placeholder_state (
    min_complaints  BIGINT NOT NULL,
    timezone        VARCHAR NOT NULL
);
