-- store.cell_counts: complaints per cell, time window and issue type, at resolution 8 and
-- rolled up to resolutions 7 and 6.
-- Grain: (cell, resolution, window_len, window_start, issue_type); non-zero counts only.
-- Inputs: the complaints view, point precision only (pipelines/sql/aggregate_counts.sql).
-- window_len: '1h' (clock hours), '1d' (calendar days in the configured time zone), and the
-- trailing windows 'now_1h', 'now_3h', 'now_24h' that end at the newest complaint.
CREATE TABLE IF NOT EXISTS store.cell_counts (
    cell          UBIGINT NOT NULL,
    resolution    TINYINT NOT NULL,
    window_start  TIMESTAMPTZ NOT NULL,
    window_len    VARCHAR NOT NULL,
    issue_type    VARCHAR NOT NULL,
    n             INTEGER NOT NULL,
    n_repeat      INTEGER NOT NULL,
    n_severe      INTEGER NOT NULL
);
