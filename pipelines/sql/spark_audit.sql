-- spark_audit (Spark SQL): what the job read, for the DuckDB side to check against its store,
-- and the point complaints whose recomputed cell differs from the stored one (must be none).
-- Grain: one row.
-- Inputs: temp views lake_complaints and located (spark_located.sql).
SELECT
    (SELECT count(*) FROM lake_complaints) AS complaints,
    (SELECT unix_micros(max(reported_at)) FROM lake_complaints) AS data_until_us,
    count(*) AS mismatched_cells,
    min(complaint_id) AS first_mismatch
FROM located
WHERE precision = 'point' AND cell <> stored_cell
