-- placeholder_inputs: brings what placeholder piles are judged on up to date with the batches
-- after $after_batch: store.busy_points (the coordinates with at least $min_complaints
-- complaints, and their counts), store.point_volumes (the city's, by day and type) and
-- store.point_tallies (by bucket of coordinates).
-- Grain: store.busy_points (lat, lon), store.point_volumes (day, issue_type) and
-- store.point_tallies (bucket, run).
-- Inputs: store.complaints (source coordinates at point precision only: geocoded rows sit on
-- gazetteer points by design), store.busy_points, store.point_volumes, store.point_tallies.
-- Parameters: $after_batch (the last batch already counted; 0: none, count them all again),
-- $min_complaints (the floor a pile must reach).
-- Complaints are only ever added, so only a coordinate that a new batch touches can become busy
-- or change, and only if its bucket's tally reaches the floor: those are recounted from all
-- their complaints, the others kept (a city without piles recounts none). When every complaint
-- is new, only a coordinate that reaches the floor in them is worth recounting.
CREATE OR REPLACE TEMP TABLE added_points AS
SELECT
    lat,
    lon,
    count(*) AS n,
    CAST((((CAST(round(lat * 1e6) AS BIGINT) * 1000003 + CAST(round(lon * 1e6) AS BIGINT))
           % 4194304) + 4194304) % 4194304 AS INTEGER) AS bucket
FROM store.complaints
WHERE batch_id > $after_batch AND precision = 'point' AND position_source <> 'geocoded'
GROUP BY lat, lon;
DELETE FROM store.point_tallies WHERE $after_batch = 0;
INSERT INTO store.point_tallies
SELECT bucket, sum(n) FROM added_points GROUP BY bucket;
CREATE OR REPLACE TEMP TABLE touched_points AS
WITH full_buckets AS (
    SELECT bucket
    FROM store.point_tallies
    WHERE bucket IN (SELECT bucket FROM added_points)
    GROUP BY bucket
    HAVING sum(n) >= $min_complaints
)
SELECT lat, lon
FROM added_points
WHERE CASE WHEN $after_batch > 0 THEN bucket IN (SELECT bucket FROM full_buckets)
           ELSE n >= $min_complaints END;
DELETE FROM store.busy_points
WHERE $after_batch = 0 OR (lat, lon) IN (SELECT (lat, lon) FROM touched_points);
INSERT INTO store.busy_points
WITH located AS (
    SELECT lat, lon, cell, issue_type, reported_at, CAST(reported_at AS DATE) AS day
    FROM store.complaints
    SEMI JOIN touched_points USING (lat, lon)
    WHERE precision = 'point' AND position_source <> 'geocoded'
)
SELECT
    lat,
    lon,
    min(cell) AS cell,
    count(*) AS n,
    count(DISTINCT issue_type) AS n_types,
    count(DISTINCT day) AS n_days,
    min(reported_at) AS first_at,
    max(reported_at) AS last_at,
    min(day) AS first_day,
    max(day) AS last_day
FROM located
GROUP BY lat, lon
HAVING count(*) >= $min_complaints;
CREATE OR REPLACE TEMP TABLE volumes AS
WITH added AS (
    SELECT day, issue_type, n FROM store.point_volumes WHERE $after_batch > 0
    UNION ALL
    SELECT CAST(reported_at AS DATE) AS day, issue_type, 1 AS n
    FROM store.complaints
    WHERE batch_id > $after_batch AND precision = 'point' AND position_source <> 'geocoded'
)
SELECT day, issue_type, sum(n) AS n FROM added GROUP BY ALL;
DELETE FROM store.point_volumes;
INSERT INTO store.point_volumes SELECT day, issue_type, n FROM volumes;
DELETE FROM store.placeholder_state;
INSERT INTO store.placeholder_state VALUES ($min_complaints, current_setting('TimeZone'));
