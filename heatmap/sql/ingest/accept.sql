-- Moves one validated, positioned batch into the store: accepted rows into store.complaints,
-- the rest into store.quarantine; duplicates (an id already stored, or seen earlier in the
-- batch among rows that pass every check) are counted but stored nowhere.
-- Grain: one row per source row of the batch. positioned holds the rows of validated in the
-- same order (positioned.row_index = validated.rowid): the small steps zip the two with a
-- POSITIONAL JOIN, which builds no hash table; the big INSERT joins on row_index, since a
-- positional scan runs in one thread and the hash join lets both cores write the store. The
-- file row is validated.rowid + 1. The accepted rows are stored in time order: a batch's rows
-- then fill row groups of their own stretch of time, whose zone maps let a read of a time
-- range (the recount's last 30 days, the surges' baselines, an analyst's week) skip the rest,
-- however the file was ordered (a backfill of a year can come in any order). A bulk load pays
-- for the sort: an ingest of 2 M rows took 19.6-20.9 s, not 16.6-17.8 s (benchmarks --only ingest).
-- Inputs: temp table validated (heatmap/sql/ingest/validate.sql) and the registered Arrow
-- table positioned (heatmap.positions: row_index, WGS-84 lat/lon, cell, resolution,
-- precision, position_source, district, reason, detail), store.complaints.
-- Parameters: $batch_id, $source_file, $source_crs.
CREATE OR REPLACE TEMP TABLE duplicate_rows AS
WITH passing AS (
    SELECT v.rowid AS row_index, v.complaint_id
    FROM validated AS v
    POSITIONAL JOIN positioned AS p
    WHERE v.reason IS NULL AND p.reason IS NULL
),
repeated AS (
    SELECT complaint_id FROM passing GROUP BY complaint_id HAVING count(*) > 1
),
later_in_batch AS (
    SELECT row_index
    FROM (
        SELECT
            row_index,
            row_number() OVER (PARTITION BY complaint_id ORDER BY row_index) AS id_rank
        FROM passing
        WHERE complaint_id IN (SELECT complaint_id FROM repeated)
    )
    WHERE id_rank > 1
),
stored_before AS (
    SELECT row_index
    FROM passing
    WHERE complaint_id IN (SELECT complaint_id FROM store.complaints)
)
SELECT row_index FROM later_in_batch
UNION
SELECT row_index FROM stored_before;

INSERT INTO store.complaints BY NAME
SELECT
    v.complaint_id,
    v.reported_at,
    v.issue_type,
    p.lat,
    p.lon,
    p.cell,
    p.resolution,
    CAST(p.precision AS VARCHAR) AS precision,
    CAST(p.position_source AS VARCHAR) AS position_source,
    CAST(p.district AS VARCHAR) AS district,
    v.customer_hash,
    v.customer_masked,
    v.channel,
    v.severity,
    v.text,
    v.address,
    $source_crs AS source_crs,
    $batch_id AS batch_id,
    v.rowid + 1 AS source_row
FROM validated AS v
JOIN positioned AS p ON p.row_index = v.rowid
WHERE v.reason IS NULL AND p.reason IS NULL
  AND v.rowid NOT IN (SELECT row_index FROM duplicate_rows)
ORDER BY v.reported_at;

INSERT INTO store.quarantine BY NAME
SELECT
    $batch_id AS batch_id,
    $source_file AS source_file,
    v.rowid + 1 AS source_row,
    coalesce(v.reason, CAST(p.reason AS VARCHAR)) AS reason,
    coalesce(v.detail, CAST(p.detail AS VARCHAR)) AS detail,
    v.raw
FROM validated AS v
POSITIONAL JOIN positioned AS p
WHERE v.reason IS NOT NULL OR p.reason IS NOT NULL;
