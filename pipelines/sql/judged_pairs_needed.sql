-- judged_pairs_needed: the first day whose judged pairs the cluster search of a scoring pass
-- from $since reads (the day before the day of $since: a rolling window starts up to hours
-- before $since), in the session's time zone, as epoch seconds.
-- Grain: one row. Inputs: none. Parameters: $since (TIMESTAMPTZ).
SELECT CAST(epoch(date_trunc('day', CAST($since AS TIMESTAMPTZ)) - INTERVAL 1 DAY) AS BIGINT)
    AS needed_from;
