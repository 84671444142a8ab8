-- store.district_counts: complaints per district, window and issue type, every precision that
-- names a district (points, and geocodes at locality, subdistrict or district level); only
-- placeholder piles are left out.
-- Grain: (district, window_len, window_start, issue_type), non-zero counts only.
-- Inputs: the complaints view (pipelines/sql/aggregate_counts.sql).
CREATE TABLE IF NOT EXISTS store.district_counts (
    district      VARCHAR NOT NULL,
    window_start  TIMESTAMPTZ NOT NULL,
    window_len    VARCHAR NOT NULL,
    issue_type    VARCHAR NOT NULL,
    n             INTEGER NOT NULL,
    n_repeat      INTEGER NOT NULL,
    n_severe      INTEGER NOT NULL
);
