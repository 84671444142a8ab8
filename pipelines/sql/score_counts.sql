-- score_counts: the stored counts that the scoring passes of one count length read, with their
-- window start as epoch seconds and issue type as its place in $spatial_types (counting from
-- 0), in the order of the series pipelines.score_inputs makes of them in numpy: cell, issue
-- type, time.
-- Grain: (cell, window_start, issue_type) of store.cell_counts at resolution 8.
-- Inputs: store.cell_counts. Parameters: $count_len ('1h' or '1d'), $spatial_types (list, in
-- text order, so that the places order the types as their names would),
-- $since and $until (NULL: unbounded) of the passes (every window they return ends after
-- $since and starts before $until), $history (INTERVAL: how far back a baseline looks, its
-- guard band included). Every baseline reaches back $history at most, so only counts from
-- $history (and two days' margin, for the rolling windows that start before $since and for a
-- DST day) before the first window returned are read: an incremental run does not rescan a
-- year. Every pass of the same counts, since and until reads the same rows (the clock hours'
-- and the rolling 3-hour windows' are read once). They start at a local midnight, so that the
-- daily counts of a pass are the sums of its hourly ones by local day
-- (pipelines.score_inputs.StoredCounts.daily, the days from sql/count_hour_days.sql), not
-- read again.
SELECT
    cell,
    CAST(epoch(window_start) AS BIGINT) AS t,
    CAST(list_position($spatial_types, issue_type) - 1 AS SMALLINT) AS type_of,
    n
FROM store.cell_counts
WHERE resolution = 8 AND window_len = $count_len AND list_contains($spatial_types, issue_type)
  AND window_start >= date_trunc('day', date_trunc('day', $since) - $history - INTERVAL 2 DAYS)
  AND ($until IS NULL OR window_start < CAST($until AS TIMESTAMPTZ) + INTERVAL 1 DAY)
ORDER BY cell, type_of, t;
