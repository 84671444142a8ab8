-- store.cell_counts: complaints per cell, time window and issue type.
-- Grain: (cell, window_len, window_start, issue_type); only non-zero counts are stored.
-- Inputs: store.complaints less placeholder points (pipelines/sql/cell_counts.sql).
-- window_len is '1h' (clock hours) or '1d' (calendar days in the configured time zone).
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
