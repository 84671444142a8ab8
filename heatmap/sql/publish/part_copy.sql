-- part_copy: one publication part, the rows of a big store table in one key range, as one
-- Parquet file; the snapshot's store.{table} is a view over its parts.
-- Grain: the rows of store.{table} with $lower <= {key} < $upper (a batch range for
-- complaints, a month or a week of windows for the counts and scores), in stored order.
-- Inputs: store.{table} ({table}, {key}: heatmap.published_parts.PARTED). Parameters:
-- $lower, $upper, $path (a new file; renamed into place by heatmap.published_parts).
-- Parquet v2 encodings with zstd at level 1: on a year's scores and complaints this wrote about
-- twice as fast as the default (zstd level 3, v1) for files 10-20% larger.
COPY (
    SELECT * FROM store.{table} WHERE {key} >= $lower AND {key} < $upper
) TO $path (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, PARQUET_VERSION V2);
