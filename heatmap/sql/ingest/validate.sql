-- validated: every staged row with typed values and, when it cannot be accepted, its reason.
-- Grain: one row per source row (source_row).
-- Inputs: temp tables staging (canonical VARCHAR columns) and issue_type_names
-- (source value -> issue type code). Parameters: $timezone (zone of naive times),
-- $naive_formats and $offset_formats (strptime formats to try), $now (the ingest time).
-- The first failing check gives the reason; reasons are stable codes documented in README.md.
CREATE OR REPLACE TEMP TABLE validated AS
WITH cleaned AS (
    SELECT
        s.*,
        nullif(trim(s.complaint_id), '') AS id_text,
        nullif(trim(s.reported_at), '') AS time_text,
        nullif(trim(s.issue_type), '') AS type_text,
        nullif(trim(s.lat), '') AS lat_text,
        nullif(trim(s.lon), '') AS lon_text
    FROM staging AS s
),
typed AS (
    SELECT
        c.*,
        TRY_CAST(c.lat_text AS DOUBLE) AS lat_value,
        TRY_CAST(c.lon_text AS DOUBLE) AS lon_value,
        coalesce(
            try_strptime(c.time_text, $offset_formats),
            CASE WHEN regexp_matches(c.time_text, '(Z|[+-]\d{2}(:?\d{2})?)$')
                 THEN TRY_CAST(c.time_text AS TIMESTAMPTZ) END,
            timezone($timezone, try_strptime(c.time_text, $naive_formats))
        ) AS reported_at_value,
        coalesce(n.code, c.type_text) AS issue_type_code
    FROM cleaned AS c
    LEFT JOIN issue_type_names AS n ON n.source_value = c.type_text
)
SELECT
    t.source_row,
    t.id_text AS complaint_id,
    t.reported_at_value AS reported_at,
    t.issue_type_code AS issue_type,
    t.lat_value AS lat,
    t.lon_value AS lon,
    nullif(trim(t.address), '') AS address,
    t.customer_hash,
    t.customer_masked,
    nullif(trim(t.channel), '') AS channel,
    nullif(upper(trim(t.severity)), '') AS severity,
    nullif(trim(t.text), '') AS text,
    CASE
        WHEN t.id_text IS NULL THEN 'missing_complaint_id'
        WHEN t.time_text IS NULL THEN 'missing_reported_at'
        WHEN t.reported_at_value IS NULL THEN 'unparseable_reported_at'
        WHEN t.reported_at_value > $now + INTERVAL 1 DAY THEN 'reported_at_in_future'
        WHEN t.reported_at_value < TIMESTAMPTZ '2000-01-01 00:00:00+00' THEN 'reported_at_too_old'
        WHEN t.type_text IS NULL THEN 'missing_issue_type'
        WHEN t.lat_text IS NULL OR t.lon_text IS NULL THEN 'missing_coordinates'
        WHEN t.lat_value IS NULL OR t.lon_value IS NULL THEN 'non_numeric_coordinates'
        WHEN NOT (isfinite(t.lat_value) AND isfinite(t.lon_value)) THEN 'non_finite_coordinates'
        WHEN abs(t.lat_value) > 90 OR abs(t.lon_value) > 180 THEN 'coordinates_out_of_range'
        WHEN t.lat_value = 0 AND t.lon_value = 0 THEN 'null_island'
    END AS reason,
    to_json(struct_pack(
        complaint_id := t.complaint_id, reported_at := t.reported_at, issue_type := t.issue_type,
        lat := t.lat, lon := t.lon, address := t.address, customer := t.customer_masked,
        channel := t.channel, severity := t.severity, text := t.text
    )) AS raw
FROM typed AS t;
