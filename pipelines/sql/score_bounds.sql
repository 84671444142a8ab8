-- score_bounds: the time bounds of one scoring pass, as epoch seconds.
-- Grain: one row. Inputs: store.cell_counts. Parameters: $window_len ('1h' | '3h' | '1d'),
-- $count_len ('1h' or '1d'), $since (the start of the earliest recounted hour), $overlap
-- (INTERVAL: how far a window reaches into the next ones), $burn_in (INTERVAL: minimum history
-- before a window is judged).
-- judged_from: the first window with $burn_in of data before it (NULL: no counts at all);
-- rescored_from: the first window that ends after $since (a rolling window starting $overlap
-- before it still does), so only those are returned.
SELECT
    CAST(epoch(min(window_start) + $burn_in) AS BIGINT) AS judged_from,
    CAST(epoch(CASE $window_len
        WHEN '1d' THEN date_trunc('day', $since)
        ELSE date_trunc('hour', $since) - $overlap
    END) AS BIGINT) AS rescored_from
FROM store.cell_counts
WHERE resolution = 8 AND window_len = $count_len;
