-- part_rows: how many rows of a big store table one key range holds, to plan merges of parts.
-- Grain: one row for store.{table}.
-- Inputs: store.{table} ({table}, {key}: heatmap.published_parts.PARTED). Parameters: $lower,
-- $upper.
SELECT count(*) AS n FROM store.{table} WHERE {key} >= $lower AND {key} < $upper;
