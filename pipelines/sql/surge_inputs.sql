-- surge_inputs: citywide count of each issue type per window, with its baseline.
-- Grain: (window_start, issue_type) for one window length.
-- Inputs: the complaints view (every precision counts citywide, placeholders included, since a
-- surge is not a place). Parameters: $window_len ('1h' | '1d'), $history, $burn_in (INTERVAL).
-- The baseline is the type's share of the other types' volume over the preceding $history,
-- applied to the other types' volume in this window: the rhythm of the day and week, holidays
-- and backlogs move both sides together.
WITH windows AS (
    SELECT
        CASE $window_len WHEN '1d' THEN date_trunc('day', reported_at)
             ELSE date_trunc('hour', reported_at) END AS window_start,
        issue_type,
        count(*) AS n
    FROM complaints
    GROUP BY ALL
),
all_types AS (
    SELECT window_start, sum(n) AS total FROM windows GROUP BY ALL
),
grid AS (
    SELECT w.window_start, t.issue_type
    FROM all_types AS w
    CROSS JOIN (SELECT DISTINCT issue_type FROM windows) AS t
),
filled AS (
    SELECT
        g.window_start,
        g.issue_type,
        coalesce(w.n, 0) AS observed,
        a.total - coalesce(w.n, 0) AS others_now
    FROM grid AS g
    JOIN all_types AS a ON a.window_start = g.window_start
    LEFT JOIN windows AS w ON w.window_start = g.window_start AND w.issue_type = g.issue_type
),
history AS (
    SELECT
        *,
        sum(observed) OVER w - observed AS type_hist,
        sum(others_now) OVER w - others_now AS others_hist
    FROM filled
    WINDOW w AS (
        PARTITION BY issue_type ORDER BY window_start
        RANGE BETWEEN $history PRECEDING AND CURRENT ROW
    )
)
SELECT window_start, issue_type, observed, others_now, type_hist, others_hist
FROM history
WHERE window_start >= (SELECT min(window_start) FROM all_types) + $burn_in
ORDER BY window_start, issue_type;
