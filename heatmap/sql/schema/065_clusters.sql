-- store.clusters: the clusters found in each scored window, before they are linked into alerts.
-- Grain: one row per cluster (window_len, window_start, issue_type, its cells).
-- Inputs: store.cell_scores through heatmap.clusters.ClusterFinder (pipelines.detect).
-- A window's clusters depend only on its own scores, so a run replaces those of the windows it
-- rescored and keeps the rest; alerts (store.alerts) link them across windows.
CREATE TABLE IF NOT EXISTS store.clusters (
    window_start  TIMESTAMPTZ NOT NULL,
    window_len    VARCHAR NOT NULL,
    issue_type    VARCHAR NOT NULL,
    cells         UBIGINT[] NOT NULL,
    observed      BIGINT NOT NULL,
    expected      DOUBLE NOT NULL,
    p_value       DOUBLE NOT NULL,
    score         DOUBLE NOT NULL,
    n_cells       INTEGER NOT NULL
);
