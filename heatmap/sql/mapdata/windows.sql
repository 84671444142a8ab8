-- windows: the windows that have data, newest first, for the window picker.
-- Grain: window_start, for one window_len. Inputs: cell_counts. Parameters: $window_len.
SELECT window_start, sum(n)::INTEGER AS n
FROM cell_counts
WHERE resolution = 8 AND window_len = $window_len
GROUP BY window_start
ORDER BY window_start DESC;
