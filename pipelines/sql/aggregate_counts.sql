-- Recounts the windows of temp table recount (and, with $with_trailing, the trailing 'now'
-- windows) of store.cell_counts (at resolution 8, then rolled up to 7 and 6) and
-- store.district_counts. pipelines.aggregate runs it once per span of the touched windows, so
-- that a year's recount never holds the year at once.
-- Grain: cell_counts (cell, resolution, window_len, window_start, issue_type);
-- district_counts (district, window_len, window_start, issue_type).
-- Inputs: the complaints view (through complaints_from: only the complaints that can count, and
-- the 30 days before them that decide their repeats); temp table recount (window_len,
-- window_start). Parameters: $data_until (the newest complaint: trailing windows end there),
-- $with_trailing (whether this span recounts the trailing windows too), $located_from and
-- $located_until (the complaints the span's windows can hold: pipelines/sql/recount_reach.sql;
-- constants, so that DuckDB reads only those and their 30 days before).
CREATE OR REPLACE TEMP TABLE trailing_windows AS
SELECT window_len, $data_until - span AS window_start, span
FROM (VALUES ('now_1h', INTERVAL 1 HOUR), ('now_3h', INTERVAL 3 HOUR), ('now_24h', INTERVAL 24 HOUR))
    AS t(window_len, span)
WHERE $with_trailing;

-- what publishing must rewrite (heatmap.published_parts): the recounted windows, the trailing
-- ones and those they replace
INSERT INTO store.changes
SELECT t.table_name, least(
    (SELECT min(window_start) FROM recount),
    (SELECT min(window_start) FROM trailing_windows),
    CASE t.table_name
        WHEN 'cell_counts' THEN (SELECT min(window_start) FROM store.cell_counts
                                 WHERE $with_trailing AND window_len LIKE 'now_%')
        ELSE (SELECT min(window_start) FROM store.district_counts
              WHERE $with_trailing AND window_len LIKE 'now_%')
    END
) AS changed_from
FROM (VALUES ('cell_counts'), ('district_counts')) AS t(table_name)
WHERE changed_from IS NOT NULL;

CREATE OR REPLACE TEMP TABLE windowed AS
WITH located AS (
    SELECT cell, district, precision, issue_type, is_repeat, severity = 'A' AS is_severe,
           reported_at
    FROM complaints_from($located_from, until := $located_until)
    WHERE precision <> 'placeholder'
),
calendar AS (
    SELECT l.*, '1h' AS window_len, date_trunc('hour', l.reported_at) AS window_start
    FROM located AS l
    UNION ALL
    SELECT l.*, '1d' AS window_len, date_trunc('day', l.reported_at) AS window_start
    FROM located AS l
),
touched AS (
    SELECT c.* FROM calendar AS c SEMI JOIN recount AS t USING (window_len, window_start)
),
recent AS (
    SELECT l.*, t.window_len, t.window_start
    FROM located AS l
    JOIN trailing_windows AS t
      ON l.reported_at > t.window_start AND l.reported_at <= $data_until
)
SELECT * FROM touched
UNION ALL
SELECT * FROM recent;

DELETE FROM store.cell_counts AS c
USING recount AS t
WHERE c.window_len = t.window_len AND c.window_start = t.window_start;

DELETE FROM store.cell_counts WHERE $with_trailing AND window_len LIKE 'now_%';

INSERT INTO store.cell_counts
SELECT
    cell, 8 AS resolution, window_start, window_len, issue_type,
    count(*) AS n, count(*) FILTER (is_repeat) AS n_repeat, count(*) FILTER (is_severe) AS n_severe
FROM windowed
WHERE precision = 'point'
GROUP BY ALL;

-- The roll-ups count the same rows by parent cell. The parents are looked up once per distinct
-- cell (thousands), not once per row: h3_cell_to_parent is a Python function.
INSERT INTO store.cell_counts
WITH points AS (
    SELECT * FROM windowed WHERE precision = 'point'
),
parents AS (
    SELECT u.cell, r.resolution, h3_cell_to_parent(u.cell, r.resolution) AS parent
    FROM (SELECT DISTINCT cell FROM points) AS u
    CROSS JOIN (VALUES (7), (6)) AS r(resolution)
)
SELECT
    p.parent AS cell, p.resolution, w.window_start, w.window_len, w.issue_type,
    count(*) AS n, count(*) FILTER (w.is_repeat) AS n_repeat,
    count(*) FILTER (w.is_severe) AS n_severe
FROM points AS w
JOIN parents AS p ON p.cell = w.cell
GROUP BY ALL;

DELETE FROM store.district_counts AS d
USING recount AS t
WHERE d.window_len = t.window_len AND d.window_start = t.window_start;

DELETE FROM store.district_counts WHERE $with_trailing AND window_len LIKE 'now_%';

INSERT INTO store.district_counts
SELECT
    district, window_start, window_len, issue_type,
    count(*) AS n, count(*) FILTER (is_repeat) AS n_repeat, count(*) FILTER (is_severe) AS n_severe
FROM windowed
WHERE district IS NOT NULL
GROUP BY ALL;
