-- cluster_candidates: the scored cells of the rescored windows of one length that can be part of
-- a cluster: flagged ones, and the elevated ones that may join a flagged neighbour; each with
-- tests_per_week, the cell-windows judged in a week at its time (the Bonferroni count of
-- heatmap.clusters.ClusterFinder.false_alarms_per_week): the (cell, spatial type) pairs with a
-- count in the $history before the window's day, times $windows_per_week.
-- Grain: (cell, window_len, window_start, issue_type). Inputs: store.cell_scores,
-- store.cell_counts (daily, resolution 8).
-- Parameters: $window_len, $rescored_from (pipelines/sql/rescored_from.sql) and $rescored_until
-- (NULL: no end), $support_alpha, $support_min_count (heatmap.clusters.ClusterFinder),
-- $spatial_types (list), $history (INTERVAL), $windows_per_week (pipelines.detect).
WITH candidates AS (
    SELECT cell, window_start, window_len, issue_type, observed, expected, p_value, score, flagged,
           date_trunc('day', window_start) AS day
    FROM store.cell_scores
    WHERE window_len = $window_len AND window_start >= $rescored_from
      AND (CAST($rescored_until AS TIMESTAMPTZ) IS NULL OR window_start < $rescored_until)
      AND (flagged OR (p_value < $support_alpha AND observed >= $support_min_count))
),
-- each day a (cell, type) had a count, and the next such day
counted_days AS (
    SELECT window_start AS day,
           lead(window_start) OVER (PARTITION BY cell, issue_type ORDER BY window_start) AS next_day
    FROM store.cell_counts
    WHERE resolution = 8 AND window_len = '1d' AND list_contains($spatial_types, issue_type)
      AND window_start >= (SELECT min(day) FROM candidates) - $history - INTERVAL 1 DAY
      AND window_start < (SELECT max(day) FROM candidates)
),
-- a count on day d keeps its pair judged from the next day until $history after d, or until
-- its next count takes over
changes AS (
    SELECT day + INTERVAL 1 DAY AS changed_on, 1 AS delta FROM counted_days
    UNION ALL
    SELECT least(coalesce(next_day, day + $history), day + $history) + INTERVAL 1 DAY, -1
    FROM counted_days
),
judged AS (
    SELECT changed_on, sum(sum(delta)) OVER (ORDER BY changed_on) AS pairs
    FROM changes GROUP BY changed_on
)
SELECT c.cell, c.window_start, c.window_len, c.issue_type, c.observed, c.expected, c.p_value,
       c.score, c.flagged, coalesce(j.pairs, 0) * $windows_per_week AS tests_per_week
FROM candidates AS c
ASOF LEFT JOIN judged AS j ON c.day >= j.changed_on
ORDER BY c.window_len, c.window_start, c.issue_type, c.cell;
