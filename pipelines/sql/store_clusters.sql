-- Stores the clusters of one pass: the registered table found_clusters
-- (heatmap.clusters.ClusterFinder over the pass's scores).
-- Grain: store.clusters (one row per cluster). Inputs: found_clusters.
INSERT INTO store.clusters BY NAME
SELECT window_start, window_len, issue_type, cells, observed, expected, p_value, score, n_cells
FROM found_clusters;
