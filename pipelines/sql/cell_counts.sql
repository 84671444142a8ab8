-- store.cell_counts: complaints per cell, window and issue type, at resolution 8.
-- Grain: (cell, window_len, window_start, issue_type), non-zero counts only.
-- Inputs: the complaints view (point precision only: placeholder piles are not counted).
-- Windows: '1h' clock hours and '1d' calendar days in the session time zone.
DELETE FROM store.cell_counts;
INSERT INTO store.cell_counts
WITH counted AS (
    SELECT cell, reported_at, issue_type, is_repeat, severity = 'A' AS is_severe
    FROM complaints
    WHERE precision = 'point'
),
hourly AS (
    SELECT
        cell, 8 AS resolution, date_trunc('hour', reported_at) AS window_start, '1h' AS window_len,
        issue_type, count(*) AS n, count(*) FILTER (is_repeat) AS n_repeat,
        count(*) FILTER (is_severe) AS n_severe
    FROM counted
    GROUP BY ALL
),
daily AS (
    SELECT
        cell, 8 AS resolution, date_trunc('day', reported_at) AS window_start, '1d' AS window_len,
        issue_type, count(*) AS n, count(*) FILTER (is_repeat) AS n_repeat,
        count(*) FILTER (is_severe) AS n_severe
    FROM counted
    GROUP BY ALL
)
SELECT * FROM hourly
UNION ALL
SELECT * FROM daily;
