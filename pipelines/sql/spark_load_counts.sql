-- Replaces store.cell_counts and store.district_counts with the counts a Spark run wrote
-- (a full recount): cells arrive as DECIMAL(20,0), the exact unsigned value, and become
-- UBIGINT again; window starts arrive as UTC instants (Parquet TIMESTAMP_MICROS).
-- Grain: cell_counts (cell, resolution, window_len, window_start, issue_type);
-- district_counts (district, window_len, window_start, issue_type).
-- Inputs: the Parquet files of the run ($cell_counts, $district_counts: glob patterns).
-- the whole tables change (store.changes: from the epoch, before any complaint ingest accepts)
INSERT INTO store.changes VALUES
    ('cell_counts', TIMESTAMPTZ '1970-01-01 00:00:00+00'),
    ('district_counts', TIMESTAMPTZ '1970-01-01 00:00:00+00');

DELETE FROM store.cell_counts;

INSERT INTO store.cell_counts
SELECT
    CAST(cell AS UBIGINT), resolution, window_start, window_len, issue_type, n, n_repeat, n_severe
FROM read_parquet($cell_counts);

DELETE FROM store.district_counts;

INSERT INTO store.district_counts
SELECT district, window_start, window_len, issue_type, n, n_repeat, n_severe
FROM read_parquet($district_counts);
