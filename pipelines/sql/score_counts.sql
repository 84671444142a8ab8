-- score_counts: the stored counts that scoring reads for one window length, with their
-- window start as epoch seconds (pipelines.score_inputs does the rest in numpy), in the order
-- of its series: cell, issue type (text order), time.
-- Grain: (cell, window_start, issue_type) of store.cell_counts at resolution 8.
-- Inputs: store.cell_counts. Parameters: $count_len ('1h' or '1d'), $spatial_types (list),
-- $rescored_from (the first window returned), $history (INTERVAL: how far back a baseline
-- looks), $rescored_until (the first window not returned, or NULL), $span_hours (INTERVAL: how
-- far a window's counts reach). Every baseline reaches back $history at most, so only counts
-- from $history (and a day's margin) before the first window returned are read: an
-- incremental run does not rescan a year.
SELECT
    cell,
    CAST(epoch(window_start) AS BIGINT) AS t,
    issue_type,
    n
FROM store.cell_counts
WHERE resolution = 8 AND window_len = $count_len AND list_contains($spatial_types, issue_type)
  AND window_start >= $rescored_from - $history - INTERVAL 1 DAY
  AND ($rescored_until IS NULL
       OR window_start < CAST($rescored_until AS TIMESTAMPTZ) + $span_hours)
ORDER BY cell, issue_type, t;
