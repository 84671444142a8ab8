-- store.placeholder_points: exact coordinates where unrelated complaints pile up.
-- Grain: (lat, lon). Inputs: store.busy_points (the coordinates that reach the floor on
-- complaints) and store.point_volumes (the city's complaints at source coordinates by day and
-- type), both from pipelines/sql/placeholder_inputs.sql.
-- Parameters: $min_types, $min_days (the floors a pile must reach beyond that on complaints).
-- A busy real address (a city hall plaza, a junction, a housing block) collects a few kinds of
-- complaint on some days; a geocoder's placeholder collects a random sample of everything the
-- city reports, on nearly every day. So a point is a placeholder when, beyond the floors, its
-- complaints cover the issue types and the days about as fully as a random draw of the same
-- size from the whole store would:
--   type coverage = distinct types / E[distinct types in n draws from the city's type shares]
--   day coverage  = distinct days  / E[distinct days in n draws from the city's daily volumes
--                   between the point's first and last day]
-- both at least 0.8 (min_coverage below). On Boston's 2015 311 data the City Hall placeholder
-- (17,070 complaints) has 0.95 and 1.0; the busiest real address (1 City Hall Plaza, 387) has
-- 0.24 and 0.74; no real address in that file covers more than 0.65 of the types.
DELETE FROM store.placeholder_points;
INSERT INTO store.placeholder_points
WITH settings AS (
    SELECT 0.8 AS min_coverage
),
piles AS (
    SELECT *
    FROM store.busy_points
    WHERE n_types >= $min_types AND n_days >= $min_days
),
type_shares AS (
    SELECT issue_type, sum(n) / sum(sum(n)) OVER () AS share
    FROM store.point_volumes
    GROUP BY issue_type
),
daily AS (
    SELECT day, sum(n) AS n FROM store.point_volumes GROUP BY day
),
expected_types AS (
    SELECT p.lat, p.lon, sum(1 - pow(1 - t.share, p.n)) AS expected
    FROM piles AS p
    CROSS JOIN type_shares AS t
    GROUP BY p.lat, p.lon
),
expected_days AS (
    SELECT p.lat, p.lon, sum(1 - pow(1 - d.n / span.total, p.n)) AS expected
    FROM piles AS p
    JOIN daily AS d ON d.day BETWEEN p.first_day AND p.last_day
    JOIN (
        SELECT p2.lat, p2.lon, sum(d2.n) AS total
        FROM piles AS p2
        JOIN daily AS d2 ON d2.day BETWEEN p2.first_day AND p2.last_day
        GROUP BY p2.lat, p2.lon
    ) AS span ON span.lat = p.lat AND span.lon = p.lon
    GROUP BY p.lat, p.lon
)
SELECT p.lat, p.lon, p.cell, p.n, p.n_types, p.n_days, p.first_at, p.last_at
FROM piles AS p
JOIN expected_types AS et ON et.lat = p.lat AND et.lon = p.lon
JOIN expected_days AS ed ON ed.lat = p.lat AND ed.lon = p.lon
CROSS JOIN settings AS s
WHERE p.n_types / et.expected >= s.min_coverage
  AND p.n_days / ed.expected >= s.min_coverage;
