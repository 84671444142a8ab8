-- count_hour_days: the local day of each distinct hour the stored counts of a scoring pass
-- start at (pipelines.score_inputs.StoredCounts.load): a few hundred hours, where a
-- date_trunc of every count, in the session's time zone, cost a tenth of a second a tick.
-- Grain: one row per value of the registered table count_hours(t), epoch seconds, in order.
-- Inputs: count_hours (registered by pipelines.score_inputs). Parameters: none.
SELECT t, CAST(epoch(date_trunc('day', to_timestamp(t))) AS BIGINT) AS day
FROM count_hours
ORDER BY t;
