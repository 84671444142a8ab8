-- Clears the stored scores of the windows about to be rescored: those that end after $since.
-- Grain: store.cell_scores (cell, window_start, window_len, issue_type).
-- Inputs: store.cell_scores. Parameters: $window_len ('1h' | '3h' | '1d'), $since (the start
-- of the earliest recounted hour), $overlap (INTERVAL: a rolling window that starts this long
-- before $since still ends after it).
DELETE FROM store.cell_scores
WHERE window_len = $window_len
  AND window_start >= CASE $window_len
      WHEN '1d' THEN date_trunc('day', $since)
      ELSE date_trunc('hour', $since) - $overlap
  END;
