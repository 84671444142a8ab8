-- cell_counts (Spark SQL): complaints per cell, window and issue type at resolution 8 (point
-- precision only), rolled up to resolutions 7 and 6 with the h3ronpy parent UDF; the rows of
-- store.cell_counts, all windows at once.
-- Grain: (cell, resolution, window_len, window_start, issue_type); non-zero counts only.
-- Inputs: temp view windowed (spark_windowed.sql).
WITH fine AS (
    SELECT
        cell, window_start, window_len, issue_type,
        count(*) AS n, count_if(is_repeat) AS n_repeat, count_if(is_severe) AS n_severe
    FROM windowed
    WHERE precision = 'point'
    GROUP BY cell, window_start, window_len, issue_type
),
coarse AS (
    SELECT
        h3_cell_to_parent(f.cell, r.resolution) AS cell, r.resolution, f.window_start,
        f.window_len, f.issue_type,
        sum(f.n) AS n, sum(f.n_repeat) AS n_repeat, sum(f.n_severe) AS n_severe
    FROM fine AS f
    CROSS JOIN VALUES (7), (6) AS r(resolution)
    GROUP BY 1, 2, 3, 4, 5
),
every_resolution AS (
    SELECT cell, 8 AS resolution, window_start, window_len, issue_type, n, n_repeat, n_severe
    FROM fine
    UNION ALL
    SELECT cell, resolution, window_start, window_len, issue_type, n, n_repeat, n_severe
    FROM coarse
)
SELECT
    cell,
    CAST(resolution AS TINYINT) AS resolution,
    window_start,
    window_len,
    issue_type,
    CAST(n AS INT) AS n,
    CAST(n_repeat AS INT) AS n_repeat,
    CAST(n_severe AS INT) AS n_severe
FROM every_resolution
