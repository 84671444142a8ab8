-- score_inputs: every non-zero count of a spatial issue type with the history it is judged by.
-- Grain: (cell, window_start, issue_type) for one window length.
-- Inputs: store.cell_counts. Parameters: $window_len ('1h' | '1d'), $spatial_types (list),
-- $history (INTERVAL: how far back the baseline looks), $burn_in (INTERVAL: minimum history
-- before a window is judged), $since (only windows ending after it are returned).
-- No look-ahead: every *_hist column sums strictly earlier windows; city_now is the window's
-- own citywide total of the type (it carries the hour-of-day and weekday rhythm, and a surge).
WITH counts AS (
    SELECT cell, window_start, issue_type, n
    FROM store.cell_counts
    WHERE resolution = 8 AND window_len = $window_len AND list_contains($spatial_types, issue_type)
),
data_start AS (
    SELECT min(window_start) AS first_window FROM store.cell_counts
    WHERE resolution = 8 AND window_len = $window_len
),
cell_hist AS (
    SELECT
        cell, window_start, issue_type, n,
        sum(n) OVER (
            PARTITION BY cell, issue_type ORDER BY window_start
            RANGE BETWEEN $history PRECEDING AND CURRENT ROW
        ) - n AS cell_hist
    FROM counts
),
parent_series AS (
    SELECT h3_cell_to_parent(cell, 6) AS parent, window_start, issue_type, sum(n) AS n
    FROM counts
    GROUP BY ALL
),
parent_hist AS (
    SELECT
        parent, window_start, issue_type,
        sum(n) OVER (
            PARTITION BY parent, issue_type ORDER BY window_start
            RANGE BETWEEN $history PRECEDING AND CURRENT ROW
        ) - n AS parent_hist
    FROM parent_series
),
city_series AS (
    SELECT window_start, issue_type, sum(n) AS city_now
    FROM counts
    GROUP BY ALL
),
city_hist AS (
    SELECT
        window_start, issue_type, city_now,
        sum(city_now) OVER (
            PARTITION BY issue_type ORDER BY window_start
            RANGE BETWEEN $history PRECEDING AND CURRENT ROW
        ) - city_now AS city_hist
    FROM city_series
),
active_series AS (
    SELECT
        window_start, issue_type,
        count(DISTINCT cell) OVER (
            PARTITION BY issue_type ORDER BY window_start
            RANGE BETWEEN $history PRECEDING AND CURRENT ROW
        ) AS active_cells
    FROM counts
),
active AS (
    -- cells with any complaint of the type over the baseline period up to this window
    SELECT window_start, issue_type, max(active_cells) AS active_cells
    FROM active_series
    GROUP BY ALL
)
SELECT
    c.cell,
    c.window_start,
    c.issue_type,
    c.n AS observed,
    c.cell_hist,
    p.parent_hist,
    t.city_now,
    t.city_hist,
    a.active_cells
FROM cell_hist AS c
JOIN parent_hist AS p
    ON p.parent = h3_cell_to_parent(c.cell, 6)
   AND p.window_start = c.window_start
   AND p.issue_type = c.issue_type
JOIN city_hist AS t ON t.window_start = c.window_start AND t.issue_type = c.issue_type
JOIN active AS a ON a.window_start = c.window_start AND a.issue_type = c.issue_type
CROSS JOIN data_start AS d
WHERE c.window_start >= d.first_window + $burn_in
  AND c.window_start >= CASE $window_len
      WHEN '1d' THEN date_trunc('day', $since)
      ELSE date_trunc('hour', $since)
  END
ORDER BY c.window_start, c.issue_type, c.cell;
