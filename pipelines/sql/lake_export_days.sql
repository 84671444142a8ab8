-- Writes the day partitions named in $days into the staging folder $staging as Parquet,
-- one folder per day (day=YYYY-MM-DD) holding one file; pipelines.lake then moves each file
-- into the lake with an atomic rename.
-- Grain: one row per complaint_id, partitioned by day; rows in time order within a day, so
-- the row groups' min/max statistics let readers skip by time.
-- Inputs: temp view lake_complaints. Parameters: $days (list of 'YYYY-MM-DD'), $staging (a
-- new folder on the lake's filesystem).
COPY (
    SELECT *
    FROM lake_complaints
    WHERE list_contains($days, CAST(day AS VARCHAR))
    ORDER BY reported_at, complaint_id
) TO $staging (FORMAT parquet, PARTITION_BY (day), COMPRESSION zstd);
