-- district_series: the time series of one district against what was expected of it, window by
-- window, zero windows included. A district is large enough not to need the scorer's shrinkage:
-- its expected count is the window's citywide count of each type times the district's share of
-- that type over the 28 days before the series ($history_from to $from).
-- Grain: window_start, for one window_len and $from <= window_start < $until.
-- Inputs: cell_counts, cell_scores and cells views.
-- Parameters: $district, $issue_types (list), $window_len, $from, $until, $history_from.
WITH wanted AS (
    SELECT cell FROM cells WHERE district = $district
),
kinds AS (
    SELECT DISTINCT unnest($issue_types::VARCHAR[]) AS issue_type
),
step AS (
    SELECT CASE $window_len WHEN '1d' THEN INTERVAL 1 DAY ELSE INTERVAL 1 HOUR END AS length
),
steps AS (
    SELECT unnest(generate_series($from::TIMESTAMPTZ, $until::TIMESTAMPTZ - length, length))
        AS window_start
    FROM step
),
counts AS (
    SELECT c.window_start, c.issue_type, c.n, c.cell IN (SELECT cell FROM wanted) AS inside
    FROM cell_counts AS c
    WHERE c.resolution = 8 AND c.window_len = $window_len
      AND c.window_start >= $history_from AND c.window_start < $until
      AND c.issue_type IN (SELECT issue_type FROM kinds)
),
type_share AS (
    SELECT issue_type, sum(n) FILTER (WHERE inside) / sum(n) AS share
    FROM counts
    WHERE window_start < $from
    GROUP BY issue_type
),
per_window AS (
    SELECT
        c.window_start,
        sum(c.n) FILTER (WHERE c.inside) AS observed,
        sum(c.n * coalesce(t.share, 0)) AS expected
    FROM counts AS c
    LEFT JOIN type_share AS t USING (issue_type)
    WHERE c.window_start >= $from
    GROUP BY c.window_start
),
flagged AS (
    SELECT window_start, bool_or(flagged) AS flagged
    FROM cell_scores
    WHERE window_len = $window_len
      AND window_start >= $from AND window_start < $until
      AND cell IN (SELECT cell FROM wanted)
      AND issue_type IN (SELECT issue_type FROM kinds)
    GROUP BY window_start
)
SELECT
    t.window_start,
    coalesce(w.observed, 0)::INTEGER AS observed,
    coalesce(w.expected, 0) AS expected,
    coalesce(f.flagged, false) AS flagged
FROM steps AS t
LEFT JOIN per_window AS w USING (window_start)
LEFT JOIN flagged AS f USING (window_start)
ORDER BY t.window_start;
