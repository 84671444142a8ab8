-- district_layer: the map at district level: complaints per district over a range of windows.
-- Grain: district, for one window_len and $from <= window_start < $until.
-- Inputs: cell_counts, cell_scores and cells views.
-- Parameters: $window_len, $from, $until, $issue_types (list; empty means every type).
-- score is the strongest cell score in the district; flagged when any of its counts was.
WITH counts AS (
    SELECT cell, window_start, issue_type, n, n_repeat, n_severe
    FROM cell_counts
    WHERE resolution = 8 AND window_len = $window_len
      AND window_start >= $from AND window_start < $until
      AND (len($issue_types) = 0 OR list_contains($issue_types, issue_type))
),
scores AS (
    SELECT cell, window_start, issue_type, expected, score, flagged
    FROM cell_scores
    WHERE window_len = $window_len AND window_start >= $from AND window_start < $until
)
SELECT
    cl.district,
    any_value(cl.district_en) AS district_en,
    sum(c.n)::INTEGER AS n,
    sum(c.n_repeat)::INTEGER AS n_repeat,
    sum(c.n_severe)::INTEGER AS n_severe,
    round(coalesce(sum(s.expected), 0), 2) AS expected,
    round(coalesce(max(s.score), 0), 1) AS score,
    coalesce(bool_or(s.flagged), false) AS flagged,
    count(DISTINCT c.cell)::INTEGER AS n_cells
FROM counts AS c
JOIN cells AS cl ON cl.cell = c.cell
LEFT JOIN scores AS s
    ON s.cell = c.cell AND s.window_start = c.window_start AND s.issue_type = c.issue_type
WHERE cl.district IS NOT NULL
GROUP BY cl.district
ORDER BY n DESC;
