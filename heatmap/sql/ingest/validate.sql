-- validated: every source row with typed values and, when a check on its text fails, its reason.
-- Grain: one row per source row, stored in file order: the table's rowid + 1 is the row's data
-- row in the file (1 = the first after the header). Every step keeps the reader's order (no
-- join, window or sort), so DuckDB writes the rows in parallel and in order.
-- Inputs: staging (the file's canonical text columns, from heatmap.sources, put in front of
-- this query as a CTE) and the macros of parsers.sql.
-- Parameters: $timezone (zone of naive times), $naive_formats and $offset_formats (strptime
-- formats to try), $now (the ingest time), $earliest (the oldest plausible time), the service
-- area $area_west, $area_south, $area_east, $area_north (NULL when none is set), and
-- $type_spellings with $type_codes (every accepted spelling of an issue type, and its code).
-- The first failing check gives the reason; reason codes are documented in docs/SQL.md. The
-- numeric checks of coordinates and geocoding come next, in heatmap.positions; raw (the row as
-- read, customer masked) is kept for every row those checks might still quarantine: all but
-- finite, in-range, non-zero coordinates lying 0.05 deg (more than any GCJ-02/BD-09 shift)
-- inside the service area.
WITH cleaned AS (
    SELECT
        s.*,
        nullif(trim(s.complaint_id), '') AS id_text,
        nullif(trim(s.reported_at), '') AS time_text,
        nullif(trim(s.issue_type), '') AS type_text,
        nullif(trim(s.lat), '') AS lat_text,
        nullif(trim(s.lon), '') AS lon_text,
        nullif(trim(s.coordinates), '') AS coordinates_text,
        nullif(trim(s.address), '') AS address_text
    FROM staging AS s
),
typed AS (
    SELECT
        c.*,
        c.lat_text IS NULL AND c.lon_text IS NULL AND c.coordinates_text IS NULL
            AS no_coordinates,
        CASE WHEN c.lat_text IS NOT NULL OR c.lon_text IS NOT NULL THEN hm_number(c.lat_text)
             ELSE hm_coordinates_lat(c.coordinates_text) END AS lat_value,
        CASE WHEN c.lat_text IS NOT NULL OR c.lon_text IS NOT NULL THEN hm_number(c.lon_text)
             ELSE hm_coordinates_lon(c.coordinates_text) END AS lon_value,
        hm_instant(c.time_text, $timezone, $naive_formats, $offset_formats) AS reported_at_value,
        coalesce($type_codes[list_position($type_spellings, c.type_text)], c.type_text)
            AS issue_type_code
    FROM cleaned AS c
),
checked AS (
    SELECT
        t.*,
        CASE
            WHEN t.row_problem IS NOT NULL THEN t.row_problem
            WHEN t.id_text IS NULL THEN 'missing_complaint_id'
            WHEN t.time_text IS NULL THEN 'missing_reported_at'
            WHEN t.reported_at_value IS NULL AND hm_impossible_instant(t.time_text)
                THEN 'impossible_reported_at'
            WHEN t.reported_at_value IS NULL THEN 'unparseable_reported_at'
            WHEN t.reported_at_value > $now + INTERVAL 1 DAY THEN 'reported_at_in_future'
            WHEN t.reported_at_value < $earliest THEN 'reported_at_too_old'
            WHEN t.type_text IS NULL THEN 'missing_issue_type'
            WHEN t.no_coordinates AND t.address_text IS NULL THEN 'missing_coordinates'
            WHEN t.no_coordinates THEN NULL
            WHEN (t.lat_text IS NULL) <> (t.lon_text IS NULL) THEN 'missing_coordinates'
            WHEN t.lat_value IS NULL OR t.lon_value IS NULL THEN 'non_numeric_coordinates'
        END AS reason
    FROM typed AS t
)
SELECT
    k.id_text AS complaint_id,
    k.reported_at_value AS reported_at,
    k.issue_type_code AS issue_type,
    k.lat_value AS lat,
    k.lon_value AS lon,
    k.reason IS NULL AND k.no_coordinates AS needs_geocode,
    k.address_text AS address,
    k.customer_hash,
    k.customer_masked,
    nullif(trim(k.channel), '') AS channel,
    nullif(upper(trim(k.severity)), '') AS severity,
    nullif(trim(k.text), '') AS text,
    k.reason,
    CASE k.reason
        WHEN 'too_few_fields' THEN k.row_problem_detail
        WHEN 'too_many_fields' THEN k.row_problem_detail
        WHEN 'malformed_json' THEN k.row_problem_detail
        WHEN 'impossible_reported_at' THEN '"' || k.time_text || '" is not a date and time'
        WHEN 'unparseable_reported_at' THEN '"' || k.time_text
            || '" matches no timestamp format; set [source] timestamp_format in the mapping'
        WHEN 'reported_at_in_future' THEN 'more than a day after the ingest'
        WHEN 'reported_at_too_old' THEN 'before ' || strftime($earliest, '%Y-%m-%d')
            || ' UTC: a broken clock or a placeholder date?'
        WHEN 'missing_coordinates' THEN 'no latitude/longitude (or only one) and no address'
        WHEN 'non_numeric_coordinates' THEN 'a coordinate is not a number'
    END AS detail,
    CASE
        WHEN k.reason IS NOT NULL OR k.no_coordinates OR NOT coalesce(
            isfinite(k.lat_value) AND isfinite(k.lon_value)
            AND abs(k.lat_value) <= 90 AND abs(k.lon_value) <= 180
            AND NOT (k.lat_value = 0 AND k.lon_value = 0)
            AND (CAST($area_west AS DOUBLE) IS NULL OR (
                k.lon_value BETWEEN CAST($area_west AS DOUBLE) + 0.05
                    AND CAST($area_east AS DOUBLE) - 0.05
                AND k.lat_value BETWEEN CAST($area_south AS DOUBLE) + 0.05
                    AND CAST($area_north AS DOUBLE) - 0.05
            )),
            false
        )
        THEN to_json(struct_pack(
            complaint_id := k.complaint_id, reported_at := k.reported_at,
            issue_type := k.issue_type, lat := k.lat, lon := k.lon,
            coordinates := k.coordinates, address := k.address, customer := k.customer_masked,
            channel := k.channel, severity := k.severity, text := k.text
        ))
    END AS raw
FROM checked AS k
