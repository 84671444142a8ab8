-- store.point_tallies: the complaints at source coordinates (point precision, not geocoded) by
-- bucket of coordinates, one row per bucket for each run that added to it (a bucket's tally is
-- the sum of its rows). A bucket holds every complaint of each of its coordinates, so a
-- coordinate whose bucket is below the placeholder floor cannot be busy: a run recounts only
-- the coordinates it touches in buckets at the floor (pipelines/sql/placeholder_inputs.sql),
-- which on a city without piles is none, instead of every coordinate it touches against every
-- complaint. A bucket is an arithmetic hash of the coordinate in micro-degrees, one of 2^22
-- (10 M complaints put a couple in each), the same in every DuckDB version.
-- Grain: one row per (bucket, run that added to it). Inputs: store.complaints.
CREATE TABLE IF NOT EXISTS store.point_tallies (
    bucket  INTEGER NOT NULL,
    n       BIGINT NOT NULL
);
