-- surge_series: the citywide series of one issue type around a surge, against its usual share
-- of all complaints (the surge scorer's expectation, with the baseline fixed before the surge).
-- Grain: window_start, for one window_len and $from <= window_start < $until.
-- Inputs: cell_counts and alert_windows views.
-- Parameters: $cluster_id, $issue_type, $window_len, $from, $until, $baseline_from,
-- $baseline_until (the baseline period: the 28 days before the surge began).
WITH step AS (
    SELECT CASE $window_len WHEN '1d' THEN INTERVAL 1 DAY ELSE INTERVAL 1 HOUR END AS length
),
steps AS (
    SELECT unnest(generate_series($from::TIMESTAMPTZ, $until::TIMESTAMPTZ - length, length))
        AS window_start
    FROM step
),
city AS (
    SELECT
        window_start,
        sum(n) FILTER (WHERE issue_type = $issue_type) AS observed,
        sum(n) FILTER (WHERE issue_type <> $issue_type) AS others
    FROM cell_counts
    WHERE resolution = 8 AND window_len = $window_len
      AND window_start >= $from AND window_start < $until
    GROUP BY window_start
),
baseline AS (
    SELECT
        (coalesce(sum(n) FILTER (WHERE issue_type = $issue_type), 0) + 1)
        / (coalesce(sum(n) FILTER (WHERE issue_type <> $issue_type), 0) + 1) AS ratio
    FROM cell_counts
    WHERE resolution = 8 AND window_len = $window_len
      AND window_start >= $baseline_from AND window_start < $baseline_until
),
flagged AS (
    SELECT DISTINCT window_start, true AS flagged
    FROM alert_windows
    WHERE cluster_id = $cluster_id AND window_len = $window_len
)
SELECT
    t.window_start,
    coalesce(c.observed, 0)::INTEGER AS observed,
    coalesce(c.others, 0) * b.ratio AS expected,
    coalesce(f.flagged, false) AS flagged
FROM steps AS t
CROSS JOIN baseline AS b
LEFT JOIN city AS c USING (window_start)
LEFT JOIN flagged AS f USING (window_start)
ORDER BY t.window_start;
