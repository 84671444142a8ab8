-- score_bounds: the time bounds of one scoring pass, as epoch seconds.
-- Grain: one row. Inputs: store.cell_counts. Parameters: $count_len ('1h' or '1d'),
-- $burn_in (INTERVAL: minimum history before a window is judged), $rescored_from and
-- $rescored_until (the first window returned and the first not returned, or NULL; from
-- pipelines/sql/rescored_from.sql).
-- judged_from: the first window with $burn_in of data before it (NULL: no counts at all).
SELECT
    CAST(epoch(min(window_start) + $burn_in) AS BIGINT) AS judged_from,
    CAST(epoch($rescored_from) AS BIGINT) AS rescored_from,
    CAST(epoch(CAST($rescored_until AS TIMESTAMPTZ)) AS BIGINT) AS rescored_until
FROM store.cell_counts
WHERE resolution = 8 AND window_len = $count_len;
