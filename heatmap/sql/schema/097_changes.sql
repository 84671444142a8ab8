-- store.changes: where each big table changed since the last publication, so that publishing
-- rewrites only the Parquet parts that can differ (heatmap.published_parts).
-- Grain: one row per statement that deleted or inserted rows of a time-partitioned table
-- (cell_counts, cell_scores, district_counts); changed_from is the earliest window_start it
-- touched (the epoch: the whole table).
-- Inputs: written beside every such statement (aggregate_counts.sql, replace_cell_scores.sql,
-- spark_load_counts.sql); emptied by heatmap.store.publish once the new snapshot is current.
CREATE TABLE IF NOT EXISTS store.changes (
    table_name    VARCHAR NOT NULL,
    changed_from  TIMESTAMPTZ NOT NULL
);
