-- store.placeholder_points: exact coordinates where unrelated complaints pile up (a geocoder's
-- placeholder such as a city hall or a district centre). Complaints there are kept, marked
-- precision = 'placeholder' in the complaints view, and left out of cell counts.
-- Grain: one row per (lat, lon).
-- Inputs: store.busy_points, store.point_volumes (pipelines/sql/placeholder_points.sql).
CREATE TABLE IF NOT EXISTS store.placeholder_points (
    lat          DOUBLE NOT NULL,
    lon          DOUBLE NOT NULL,
    cell         UBIGINT NOT NULL,
    n            BIGINT NOT NULL,
    n_types      BIGINT NOT NULL,
    n_days       BIGINT NOT NULL,
    first_at     TIMESTAMPTZ NOT NULL,
    last_at      TIMESTAMPTZ NOT NULL
);
