-- history_starts: for each window start, where its baseline starts and ends, and the oldest
-- count that keeps a cell active in it; in the session's time zone (28 days before a local
-- midnight is a local midnight, DST or not).
-- Grain: one row per value of the registered table window_starts(t), epoch seconds.
-- Inputs: window_starts (registered by pipelines.score_inputs). Parameters: $history (the
-- baseline's length), $guard (the gap between baseline and window), $overlap (how far a window
-- reaches into the next ones). The baseline is the windows that start from $history + $guard
-- up to (not including) $overlap + $guard before the window.
SELECT
    t,
    CAST(epoch(to_timestamp(t) - ($history + $guard)) AS BIGINT) AS history_from,
    CAST(epoch(to_timestamp(t) - ($overlap + $guard)) AS BIGINT) AS history_to,
    CAST(epoch(to_timestamp(t) - $history) AS BIGINT) AS active_from
FROM window_starts
ORDER BY t;
