-- history_starts: for each window start, the start of its baseline ($history before it, in
-- the session's time zone: 28 days before a local midnight is a local midnight, DST or not).
-- Grain: one row per value of the registered table window_starts(t), epoch seconds.
-- Inputs: window_starts (registered by pipelines.score_inputs). Parameters: $history.
SELECT t, CAST(epoch(to_timestamp(t) - $history) AS BIGINT) AS history_from
FROM window_starts
ORDER BY t;
