-- rescored_from: the first window of a length that a run rescores: every window that ends after
-- $since, the start of the earliest recounted hour (a rolling window starting $overlap before
-- it still does; surge windows, which do not overlap, pass a zero one). Windows before it were
-- judged on data that has not changed.
-- Grain: one row. Inputs: none. Parameters: $window_len ('1h' | '3h' | '1d'), $since,
-- $overlap (INTERVAL).
SELECT CASE $window_len
    WHEN '1d' THEN date_trunc('day', $since)
    ELSE date_trunc('hour', $since) - $overlap
END AS rescored_from;
