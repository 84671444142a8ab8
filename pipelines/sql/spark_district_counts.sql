-- district_counts (Spark SQL): complaints per district, window and issue type; every complaint
-- whose district is known counts, whatever its precision, except placeholder piles.
-- Grain: (district, window_len, window_start, issue_type); non-zero counts only.
-- Inputs: temp view windowed (spark_windowed.sql).
SELECT
    district,
    window_start,
    window_len,
    issue_type,
    CAST(count(*) AS INT) AS n,
    CAST(count_if(is_repeat) AS INT) AS n_repeat,
    CAST(count_if(is_severe) AS INT) AS n_severe
FROM windowed
WHERE district IS NOT NULL
GROUP BY district, window_start, window_len, issue_type
