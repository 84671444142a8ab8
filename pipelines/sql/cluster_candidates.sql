-- cluster_candidates: the scored cells of the rescored windows of one length that can be part of
-- a cluster: flagged ones, and the elevated ones that may join a flagged neighbour.
-- Grain: (cell, window_len, window_start, issue_type). Inputs: store.cell_scores.
-- Parameters: $window_len, $rescored_from (pipelines/sql/rescored_from.sql) and $rescored_until
-- (NULL: no end), $support_alpha, $support_min_count (heatmap.clusters.ClusterFinder).
SELECT cell, window_start, window_len, issue_type, observed, expected, p_value, score, flagged
FROM store.cell_scores
WHERE window_len = $window_len AND window_start >= $rescored_from
  AND (CAST($rescored_until AS TIMESTAMPTZ) IS NULL OR window_start < $rescored_until)
  AND (flagged OR (p_value < $support_alpha AND observed >= $support_min_count))
ORDER BY window_len, window_start, issue_type, cell;
