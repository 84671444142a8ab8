-- cell_layer: what the map draws for a range of windows: each cell's complaints over the chosen
-- issue types, at resolution 8 or rolled up to a coarser resolution (the parent cell).
-- Grain: cell at $resolution, for one window_len and $from <= window_start < $until.
-- Inputs: cell_counts, cell_scores and cells views.
-- Parameters: $window_len, $from, $until, $issue_types (list; empty means every type),
-- $resolution (8, or a coarser H3 resolution such as 7). Rolled up here from the resolution-8
-- counts (the view also holds stored roll-ups, which this does not depend on).
-- score is the strongest score among the cell's counts (of its res-8 cells when rolled up);
-- expected sums the expectations of the scored counts; flagged when any count was flagged.
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
),
per_cell AS (
    SELECT
        c.cell,
        sum(c.n) AS n,
        sum(c.n_repeat) AS n_repeat,
        sum(c.n_severe) AS n_severe,
        coalesce(sum(s.expected), 0) AS expected,
        coalesce(max(s.score), 0) AS score,
        coalesce(bool_or(s.flagged), false) AS flagged
    FROM counts AS c
    LEFT JOIN scores AS s USING (cell, window_start, issue_type)
    GROUP BY c.cell
),
rolled AS (
    SELECT
        CASE WHEN $resolution = 8 THEN p.cell ELSE h3_cell_to_parent(p.cell, $resolution) END
            AS cell,
        p.n, p.n_repeat, p.n_severe, p.expected, p.score, p.flagged, cl.district, cl.district_en
    FROM per_cell AS p
    LEFT JOIN cells AS cl ON cl.cell = p.cell
)
SELECT
    lower(hex(cell)) AS h3,
    sum(n)::INTEGER AS n,
    sum(n_repeat)::INTEGER AS n_repeat,
    sum(n_severe)::INTEGER AS n_severe,
    round(sum(expected), 2) AS expected,
    round(max(score), 1) AS score,
    bool_or(flagged) AS flagged,
    mode(district) AS district,
    mode(district_en) AS district_en
FROM rolled
GROUP BY cell
ORDER BY n DESC, h3;
