-- stored_clusters: every cluster of every scored window, in a stable order.
-- Grain: one row per cluster. Inputs: store.clusters.
SELECT window_start, window_len, issue_type, cells, observed, expected, p_value, score, n_cells
FROM store.clusters
ORDER BY window_len, window_start, issue_type, cells;
