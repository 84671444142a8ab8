-- located (Spark SQL): the lake's complaints that can be counted, each with its resolution-8
-- cell recomputed from lat/lon by the h3ronpy pandas UDF (stored_cell is the one ingest gave).
-- Grain: one row per complaint_id (placeholder piles left out, as in aggregate_counts.sql).
-- Inputs: temp view lake_complaints (the lake's Parquet, cells as signed 64-bit bit patterns).
SELECT
    complaint_id,
    h3_latlng_to_cell(lat, lon, 8) AS cell,
    cell AS stored_cell,
    district,
    precision,
    issue_type,
    is_repeat,
    severity = 'A' AS is_severe,
    reported_at
FROM lake_complaints
WHERE precision <> 'placeholder'
