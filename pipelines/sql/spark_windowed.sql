-- windowed (Spark SQL): each counted complaint once per window it falls in: its clock hour
-- ('1h'), its calendar day in the session zone ('1d'), and the trailing windows that end at
-- the newest complaint ('now_1h', 'now_3h', 'now_24h': start exclusive, end inclusive).
-- The same windows as pipelines/sql/aggregate_counts.sql, over all the complaints at once.
-- Grain: (complaint_id, window_len, window_start).
-- Inputs: temp views located (spark_located.sql) and lake_complaints (the newest complaint,
-- placeholder piles included, ends the trailing windows, as in the DuckDB path).
WITH newest AS (
    SELECT max(reported_at) AS data_until FROM lake_complaints
),
trailing AS (
    SELECT
        t.window_len,
        n.data_until - make_dt_interval(0, t.hours, 0, 0) AS window_start,
        n.data_until
    FROM VALUES ('now_1h', 1), ('now_3h', 3), ('now_24h', 24) AS t(window_len, hours)
    CROSS JOIN newest AS n
)
SELECT l.*, '1h' AS window_len, date_trunc('HOUR', l.reported_at) AS window_start
FROM located AS l
UNION ALL
SELECT l.*, '1d' AS window_len, date_trunc('DAY', l.reported_at) AS window_start
FROM located AS l
UNION ALL
SELECT l.*, t.window_len, t.window_start
FROM located AS l
JOIN trailing AS t ON l.reported_at > t.window_start AND l.reported_at <= t.data_until
