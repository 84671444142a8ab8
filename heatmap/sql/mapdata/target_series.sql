-- target_series: the time series of a set of cells (an alert's, a cell's, a district's) against
-- what was expected of them, window by window, zero windows included.
-- Grain: window_start, for one window_len and $from <= window_start < $until.
-- Inputs: cell_counts and cell_scores views.
-- Parameters: $cells (list of H3 hex strings), $issue_types (list), $window_len, $from, $until.
-- expected follows the scorer: the window's citywide count of each type times the cells' share
-- of that type. A cell's share is read off its scored windows (expected / citywide count) as it
-- stood when the series begins (its last scored window before $from, else its first after), so
-- the band shows what was normal before the period, not after an event has inflated history.
WITH wanted AS (
    SELECT DISTINCT ('0x' || h)::UBIGINT AS cell FROM (SELECT unnest($cells::VARCHAR[]) AS h)
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
city AS (
    SELECT window_start, issue_type, sum(n) AS city_now
    FROM cell_counts
    WHERE resolution = 8 AND window_len = $window_len AND issue_type IN (SELECT issue_type FROM kinds)
    GROUP BY ALL
),
scored AS (
    SELECT s.cell, s.issue_type, s.window_start, s.expected / c.city_now AS share
    FROM cell_scores AS s
    JOIN city AS c USING (window_start, issue_type)
    WHERE s.window_len = $window_len
      AND s.cell IN (SELECT cell FROM wanted)
      AND s.issue_type IN (SELECT issue_type FROM kinds)
),
cell_share AS (
    SELECT
        cell, issue_type,
        coalesce(
            arg_max(share, window_start) FILTER (WHERE window_start < $from::TIMESTAMPTZ),
            arg_min(share, window_start) FILTER (WHERE window_start >= $from::TIMESTAMPTZ)
        ) AS share
    FROM scored
    GROUP BY cell, issue_type
),
type_share AS (
    SELECT issue_type, sum(share) AS share FROM cell_share GROUP BY issue_type
),
expected AS (
    SELECT c.window_start, sum(c.city_now * t.share) AS expected
    FROM city AS c
    JOIN type_share AS t USING (issue_type)
    WHERE c.window_start >= $from AND c.window_start < $until
    GROUP BY c.window_start
),
observed AS (
    SELECT c.window_start, sum(c.n) AS observed
    FROM cell_counts AS c
    WHERE c.resolution = 8 AND c.window_len = $window_len
      AND c.window_start >= $from AND c.window_start < $until
      AND c.cell IN (SELECT cell FROM wanted)
      AND c.issue_type IN (SELECT issue_type FROM kinds)
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
    coalesce(o.observed, 0)::INTEGER AS observed,
    coalesce(e.expected, 0) AS expected,
    coalesce(f.flagged, false) AS flagged
FROM steps AS t
LEFT JOIN observed AS o USING (window_start)
LEFT JOIN expected AS e USING (window_start)
LEFT JOIN flagged AS f USING (window_start)
ORDER BY t.window_start;
