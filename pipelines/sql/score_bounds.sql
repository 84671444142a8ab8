-- score_bounds: the first window of one count length that is judged: the first with $burn_in
-- of data before it, as epoch seconds (NULL: no counts at all).
-- Grain: one row. Inputs: store.cell_counts. Parameters: $count_len ('1h' or '1d'),
-- $burn_in (INTERVAL: minimum history before a window is judged).
SELECT CAST(epoch(min(window_start) + $burn_in) AS BIGINT) AS judged_from
FROM store.cell_counts
WHERE resolution = 8 AND window_len = $count_len;
