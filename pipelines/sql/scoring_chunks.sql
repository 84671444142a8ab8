-- scoring_chunks: the span a long rescoring (or the cluster search after it) is cut in, so that
-- each pass holds a bounded span of counts in memory: from the day of $since (or of the first
-- count, if later) to the newest count; pipelines.cuts cuts it every chunk from that day.
-- Only counts from $since on are scanned, and whether there is one before it (their zone maps
-- skip the older row groups: an incremental run does not scan the year's counts).
-- Grain: one row (NULLs: no counts from $since on). Inputs: store.cell_counts.
-- Parameters: $since.
WITH since_on AS (
    SELECT min(window_start) AS first_count, max(window_start) AS last_count
    FROM store.cell_counts
    WHERE resolution = 8 AND window_len = '1h' AND window_start >= $since
)
SELECT
    date_trunc('day', CASE
        WHEN EXISTS (
            SELECT 1 FROM store.cell_counts
            WHERE resolution = 8 AND window_len = '1h' AND window_start < $since
        ) THEN CAST($since AS TIMESTAMPTZ)
        ELSE first_count
    END) AS first_day,
    last_count
FROM since_on;
