-- store.placeholder_points: exact coordinates where unrelated complaints pile up.
-- Grain: (lat, lon). Inputs: store.complaints.
-- Parameters: $min_complaints, $min_types, $min_days. A real event at one building is one or
-- two issue types over hours; a geocoder's placeholder collects every type over many days.
DELETE FROM store.placeholder_points;
INSERT INTO store.placeholder_points
SELECT
    lat,
    lon,
    min(cell) AS cell,
    count(*) AS n,
    count(DISTINCT issue_type) AS n_types,
    count(DISTINCT CAST(reported_at AS DATE)) AS n_days,
    min(reported_at) AS first_at,
    max(reported_at) AS last_at
FROM store.complaints
GROUP BY lat, lon
HAVING count(*) >= $min_complaints
   AND count(DISTINCT issue_type) >= $min_types
   AND count(DISTINCT CAST(reported_at AS DATE)) >= $min_days;
