-- judged_pair_days: for each day a (cell, spatial type) pair had a count, the day after it and
-- the day after its $history ends, in the session's time zone (a day is a calendar day, DST
-- or not), as epoch seconds: the pair is judged from the one until the other, or until the day
-- after its next count.
-- Grain: one row per value of the registered table count_days(t), epoch seconds of local
-- midnights. Inputs: count_days (registered by pipelines.judged_pairs). Parameters: $history
-- (INTERVAL: how long a count keeps its pair judged).
SELECT
    t,
    CAST(epoch(to_timestamp(t) + INTERVAL 1 DAY) AS BIGINT) AS day_after,
    CAST(epoch(to_timestamp(t) + $history + INTERVAL 1 DAY) AS BIGINT) AS aged_out
FROM count_days
ORDER BY t;
