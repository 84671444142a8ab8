-- cell_layer: what the map draws for one window: each cell's count over the chosen issue
-- types, its strongest score, and whether any of its counts was flagged.
-- Grain: cell, for one (window_len, window_start) and a set of issue types.
-- Inputs: cell_counts, cell_scores and cells views. Parameters: $window_len, $window_start,
-- $issue_types (list; an empty list means every type).
SELECT
    c.cell_h3 AS h3,
    sum(c.n)::INTEGER AS n,
    round(coalesce(sum(s.expected), 0), 3) AS expected,
    round(coalesce(max(s.score), 0), 2) AS score,
    coalesce(bool_or(s.flagged), false) AS flagged,
    any_value(cl.district) AS district
FROM cell_counts AS c
LEFT JOIN cell_scores AS s
    ON s.cell = c.cell AND s.window_start = c.window_start
   AND s.window_len = c.window_len AND s.issue_type = c.issue_type
LEFT JOIN cells AS cl ON cl.cell = c.cell
WHERE c.window_len = $window_len
  AND c.window_start = $window_start
  AND (len($issue_types) = 0 OR list_contains($issue_types, c.issue_type))
GROUP BY c.cell_h3
ORDER BY n DESC;
