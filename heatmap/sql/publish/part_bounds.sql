-- part_bounds: the range and size of one big store table, from which its parts are planned.
-- Grain: one row for store.{table}.
-- Inputs: store.{table}, with {table} and its part key {key} taken from
-- heatmap.published_parts.PARTED (constants: DuckDB binds values, not identifiers).
-- The lowest and highest key are each the first row of an ordered read, where the row groups'
-- zone maps skip all but a few; min() and max() would read every key of a table with deleted
-- rows (its statistics are then not exact): 0.08-0.28 s for a year's cell counts, against
-- 0.01 s. The row count is kept in the table's metadata.
SELECT
    (SELECT {key} FROM store.{table} ORDER BY {key} LIMIT 1) AS lowest,
    (SELECT {key} FROM store.{table} ORDER BY {key} DESC LIMIT 1) AS highest,
    (SELECT count(*) FROM store.{table}) AS n;
