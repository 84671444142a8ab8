-- cluster_candidates: the scored cells of the rescored windows of one length that can be part of
-- a cluster: flagged ones, and the elevated ones that may join a flagged neighbour; each with
-- tests_per_week, the cell-windows judged in a week at its time (the Bonferroni count of
-- heatmap.clusters.ClusterFinder.false_alarms_per_week): the (cell, spatial type) pairs judged
-- on the window's day (temp table judged_pairs, judged_pairs.sql), times $windows_per_week.
-- Grain: (cell, window_len, window_start, issue_type). Inputs: store.cell_scores, temp table
-- judged_pairs.
-- Parameters: $window_len, $rescored_from (pipelines/sql/rescored_from.sql) and $rescored_until
-- (NULL: no end), $support_alpha, $support_min_count (heatmap.clusters.ClusterFinder),
-- $windows_per_week (pipelines.detect).
WITH candidates AS (
    SELECT cell, window_start, window_len, issue_type, observed, expected, p_value, score, flagged,
           date_trunc('day', window_start) AS day
    FROM store.cell_scores
    WHERE window_len = $window_len AND window_start >= $rescored_from
      AND (CAST($rescored_until AS TIMESTAMPTZ) IS NULL OR window_start < $rescored_until)
      AND (flagged OR (p_value < $support_alpha AND observed >= $support_min_count))
)
SELECT c.cell, c.window_start, c.window_len, c.issue_type, c.observed, c.expected, c.p_value,
       c.score, c.flagged, coalesce(j.pairs, 0) * $windows_per_week AS tests_per_week
FROM candidates AS c
ASOF LEFT JOIN judged_pairs AS j ON c.day >= j.changed_on
ORDER BY c.window_len, c.window_start, c.issue_type, c.cell;
