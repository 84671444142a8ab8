-- part_bounds: the range and size of one big store table, from which its parts are planned.
-- Grain: one row for store.{table}.
-- Inputs: store.{table}, with {table} and its part key {key} taken from
-- heatmap.published_parts.PARTED (constants: DuckDB binds values, not identifiers).
SELECT min({key}) AS lowest, max({key}) AS highest, count(*) AS n
FROM store.{table};
