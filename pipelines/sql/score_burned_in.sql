-- score_burned_in: a count of one count length a burn-in and a day before the day of $since,
-- if there is one (none: no row). Every window a pass from $since returns starts after it with
-- the burn-in behind it, so score_bounds.sql, which scans every count for the first, is not
-- needed: on a settled store this finds the oldest row group's first row and stops.
-- Grain: at most one row. Inputs: store.cell_counts. Parameters: $count_len ('1h' or '1d'),
-- $burn_in (INTERVAL), $since (the passes' since).
SELECT window_start
FROM store.cell_counts
WHERE resolution = 8 AND window_len = $count_len
  AND window_start < date_trunc('day', $since) - INTERVAL 1 DAY - $burn_in
LIMIT 1;
