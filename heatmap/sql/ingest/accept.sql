-- Moves one validated batch into the store: accepted rows into store.complaints, the rest into
-- store.quarantine; duplicates (an id already stored, or seen earlier in the batch) are counted
-- but stored nowhere.
-- Grain: one row per source row of the batch.
-- Inputs: temp tables validated and gridded (source_row, lat, lon in WGS-84, cell).
-- Parameters: $batch_id, $source_file, $source_crs.
CREATE OR REPLACE TEMP TABLE outcome AS
WITH joined AS (
    SELECT
        v.*,
        g.lat AS wgs_lat,
        g.lon AS wgs_lon,
        g.cell,
        row_number() OVER (PARTITION BY v.complaint_id ORDER BY v.source_row) AS id_rank
    FROM validated AS v
    LEFT JOIN gridded AS g ON g.source_row = v.source_row
)
SELECT
    j.*,
    CASE
        WHEN j.reason IS NOT NULL THEN 'quarantined'
        WHEN j.id_rank > 1 THEN 'duplicate'
        WHEN EXISTS (SELECT 1 FROM store.complaints AS c WHERE c.complaint_id = j.complaint_id)
            THEN 'duplicate'
        ELSE 'accepted'
    END AS outcome
FROM joined AS j;

INSERT INTO store.complaints
SELECT
    complaint_id, reported_at, issue_type, wgs_lat, wgs_lon, cell, 'point',
    customer_hash, customer_masked, channel, severity, text, address,
    $source_crs, $batch_id, source_row
FROM outcome
WHERE outcome = 'accepted'
ORDER BY reported_at;

INSERT INTO store.quarantine
SELECT $batch_id, $source_file, source_row, reason, NULL, raw
FROM outcome
WHERE outcome = 'quarantined';
