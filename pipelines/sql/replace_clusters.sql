-- Replaces the stored clusters of the windows of one length from $rescored_from on with the
-- registered table found_clusters (heatmap.clusters.ClusterFinder over their new scores).
-- Grain: store.clusters (one row per cluster). Inputs: found_clusters, store.clusters.
-- Parameters: $window_len ('1h' | '3h' | '1d'), $rescored_from.
DELETE FROM store.clusters
WHERE window_len = $window_len AND window_start >= $rescored_from;

INSERT INTO store.clusters BY NAME
SELECT window_start, window_len, issue_type, cells, observed, expected, p_value, score, n_cells
FROM found_clusters;
