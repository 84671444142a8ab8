-- score_inputs (reference): the engine's score inputs written as one DuckDB query, with
-- range-framed windows. pipelines.score_inputs computes the same in numpy, faster;
-- tests/test_score_inputs.py checks the two agree row for row. Not used by the engine.
-- score_inputs: every non-zero count of a spatial issue type with the history it is judged by.
-- Grain: (cell, window_start, issue_type) for one scored window length.
-- Inputs: store.cell_counts. Parameters: $window_len (the scored window: '1h', '3h', '1d'),
-- $count_len (the stored counts it is made of: '1h' or '1d'), $span (how many of them: 3 for
-- the rolling 3-hour window, which starts every hour, else 1), $overlap (INTERVAL: how far a
-- window reaches into the next ones, ($span - 1) hours), $spatial_types (list), $history
-- (INTERVAL: how long a baseline the expectation uses), $guard (INTERVAL: the gap between the
-- baseline and the window: the baseline is the windows that start from $history + $guard to
-- $overlap + $guard before this one), $burn_in (INTERVAL: minimum history before a window is
-- judged), $since (only windows ending after it are returned), $min_count (only windows with
-- at least this many complaints are returned: 1 for clock hours and days, whose scores the
-- map shows; for rolling windows, the fewest that can matter to a cluster).
-- No look-ahead: every *_hist column sums earlier windows that neither overlap this one nor
-- fall in its guard band. The guard band (as in EARS C2) keeps an event's first hours out of
-- the baseline of its later ones: a 12-hour fibre cut would otherwise be much of its own
-- baseline by evening. city_now is the window's own citywide total of the type (it carries
-- the hour-of-day and weekday rhythm, and a surge).
-- Every frame reaches back $history + $guard at most, so only counts from that far (and a
-- day's margin) before the first window returned are read: an incremental run does not
-- rescan a year.
WITH stored AS (
    SELECT cell, window_start, issue_type, n
    FROM store.cell_counts
    WHERE resolution = 8 AND window_len = $count_len AND list_contains($spatial_types, issue_type)
      AND window_start >= date_trunc('hour', $since) - $history - $guard - INTERVAL 1 DAY
),
counts AS (
    -- each stored count belongs to the $span windows that start in the $span - 1 hours before it
    SELECT cell, window_start - to_hours(r.k) AS window_start, issue_type, sum(n) AS n
    FROM stored, range($span) AS r(k)
    GROUP BY ALL
),
parents AS (
    -- once per distinct cell: h3_cell_to_parent is a Python function, slow per row
    SELECT cell, h3_cell_to_parent(cell, 6) AS parent
    FROM (SELECT DISTINCT cell FROM counts)
),
counts_in_parents AS (
    SELECT c.cell, p.parent, c.window_start, c.issue_type, c.n
    FROM counts AS c
    JOIN parents AS p USING (cell)
),
data_start AS (
    SELECT min(window_start) AS first_window FROM store.cell_counts
    WHERE resolution = 8 AND window_len = $count_len
),
cell_hist AS (
    SELECT
        cell, parent, window_start, issue_type, n,
        sum(n) OVER (
            PARTITION BY cell, issue_type ORDER BY window_start
            RANGE BETWEEN $history + $guard PRECEDING AND CURRENT ROW
        ) - sum(n) OVER (
            PARTITION BY cell, issue_type ORDER BY window_start
            RANGE BETWEEN $overlap + $guard PRECEDING AND CURRENT ROW
        ) AS cell_hist
    FROM counts_in_parents
),
parent_series AS (
    SELECT parent, window_start, issue_type, sum(n) AS n
    FROM counts_in_parents
    GROUP BY ALL
),
parent_hist AS (
    SELECT
        parent, window_start, issue_type,
        sum(n) OVER (
            PARTITION BY parent, issue_type ORDER BY window_start
            RANGE BETWEEN $history + $guard PRECEDING AND CURRENT ROW
        ) - sum(n) OVER (
            PARTITION BY parent, issue_type ORDER BY window_start
            RANGE BETWEEN $overlap + $guard PRECEDING AND CURRENT ROW
        ) AS parent_hist
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
            RANGE BETWEEN $history + $guard PRECEDING AND CURRENT ROW
        ) - sum(city_now) OVER (
            PARTITION BY issue_type ORDER BY window_start
            RANGE BETWEEN $overlap + $guard PRECEDING AND CURRENT ROW
        ) AS city_hist
    FROM city_series
),
-- active_cells: the cells with any complaint of the type in the window or the $history before
-- it (a distinct count over that range, counted without a distinct-count window: it is the
-- slowest step otherwise). A cell is active at window W through its latest count at or before
-- W, which must be no older than W - $history; so each count is active from its own window
-- until the cell's next count or the type's first window more than $history after it,
-- whichever comes first, and active_cells is a running sum of those starts and ends.
type_windows AS (
    SELECT issue_type, window_start, window_start - $history AS reach
    FROM city_series
),
count_spans AS (
    SELECT
        issue_type, window_start,
        lead(window_start) OVER (PARTITION BY cell, issue_type ORDER BY window_start) AS next_count
    FROM counts
),
count_ends AS (
    SELECT s.issue_type, s.window_start, least(s.next_count, w.window_start) AS active_until
    FROM count_spans AS s
    ASOF LEFT JOIN type_windows AS w
      ON w.issue_type = s.issue_type AND w.reach > s.window_start
),
active_changes AS (
    SELECT issue_type, window_start, 1 AS change FROM count_ends
    UNION ALL
    SELECT issue_type, active_until AS window_start, -1 AS change
    FROM count_ends
    WHERE active_until IS NOT NULL
),
active_deltas AS (
    SELECT window_start, issue_type, sum(change) AS delta
    FROM active_changes
    GROUP BY window_start, issue_type
),
active AS (
    SELECT
        window_start, issue_type,
        CAST(sum(delta) OVER (
            PARTITION BY issue_type ORDER BY window_start ROWS UNBOUNDED PRECEDING
        ) AS BIGINT) AS active_cells
    FROM active_deltas
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
    ON p.parent = c.parent
   AND p.window_start = c.window_start
   AND p.issue_type = c.issue_type
JOIN city_hist AS t ON t.window_start = c.window_start AND t.issue_type = c.issue_type
JOIN active AS a ON a.window_start = c.window_start AND a.issue_type = c.issue_type
CROSS JOIN data_start AS d
WHERE c.window_start >= d.first_window + $burn_in
  AND c.n >= $min_count
  AND c.window_start >= CASE $window_len
      WHEN '1d' THEN date_trunc('day', $since)
      ELSE date_trunc('hour', $since) - $overlap
  END
ORDER BY c.window_start, c.issue_type, c.cell;
