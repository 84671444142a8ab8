-- playback: every hourly count of a playback span, per cell (rolled up to $resolution) and
-- window, so that each frame is a sum over rows already fetched rather than a new query.
-- Grain: (cell at $resolution, window_start) over hourly windows $from <= window_start < $until.
-- Inputs: cell_counts, cell_scores views.
-- Parameters: $from, $until, $issue_types (list; empty means every type), $resolution.
WITH counts AS (
    SELECT cell, window_start, issue_type, n
    FROM cell_counts
    WHERE resolution = 8 AND window_len = '1h'
      AND window_start >= $from AND window_start < $until
      AND (len($issue_types) = 0 OR list_contains($issue_types, issue_type))
),
scores AS (
    SELECT cell, window_start, issue_type, score, flagged
    FROM cell_scores
    WHERE window_len = '1h' AND window_start >= $from AND window_start < $until
),
per_cell AS (
    SELECT
        c.cell, c.window_start,
        sum(c.n) AS n,
        coalesce(max(s.score), 0) AS score,
        coalesce(bool_or(s.flagged), false) AS flagged
    FROM counts AS c
    LEFT JOIN scores AS s USING (cell, window_start, issue_type)
    GROUP BY c.cell, c.window_start
)
SELECT
    lower(hex(
        CASE WHEN $resolution = 8 THEN cell ELSE h3_cell_to_parent(cell, $resolution) END
    )) AS h3,
    window_start,
    sum(n)::INTEGER AS n,
    round(max(score), 1) AS score,
    bool_or(flagged) AS flagged
FROM per_cell
GROUP BY ALL
ORDER BY window_start, h3;
