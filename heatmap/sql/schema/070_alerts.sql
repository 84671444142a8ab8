-- store.alerts: hotspots, surges and data-quality alerts, one row per alert episode.
-- Grain: one row per cluster_id (an episode may span several windows).
-- Inputs: heatmap.clusters over store.cell_scores; surges from citywide counts;
-- data-quality alerts from store.placeholder_points.
-- store.alert_windows holds each window an episode was flagged in (its time series).
CREATE TABLE IF NOT EXISTS store.alerts (
    cluster_id    VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,
    issue_type    VARCHAR NOT NULL,
    label         VARCHAR NOT NULL,
    label_zh      VARCHAR NOT NULL,
    window_start  TIMESTAMPTZ NOT NULL,
    window_end    TIMESTAMPTZ NOT NULL,
    cells         UBIGINT[] NOT NULL,
    observed      BIGINT NOT NULL,
    expected      DOUBLE NOT NULL,
    score         DOUBLE NOT NULL,
    p_value       DOUBLE NOT NULL,
    status        VARCHAR NOT NULL,
    district      VARCHAR,
    center_lat    DOUBLE,
    center_lon    DOUBLE
);
CREATE TABLE IF NOT EXISTS store.alert_windows (
    cluster_id    VARCHAR NOT NULL,
    window_start  TIMESTAMPTZ NOT NULL,
    window_len    VARCHAR NOT NULL,
    issue_type    VARCHAR NOT NULL,
    cells         UBIGINT[] NOT NULL,
    observed      BIGINT NOT NULL,
    expected      DOUBLE NOT NULL,
    score         DOUBLE NOT NULL
);
