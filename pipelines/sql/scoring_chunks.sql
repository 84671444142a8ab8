-- scoring_chunks: where a long rescoring (or the cluster search after it) is cut, so that each
-- pass holds a bounded span of counts in memory: every $chunk from the day of $since (or of the
-- first count, if later) on, up to the newest count.
-- Grain: one row per cut (after $since). Inputs: store.cell_counts. Parameters: $since,
-- $chunk (INTERVAL).
WITH counted AS (
    SELECT min(window_start) AS first_count, max(window_start) AS last_count
    FROM store.cell_counts
    WHERE resolution = 8 AND window_len = '1h'
)
SELECT cut
FROM counted,
     range(date_trunc('day', greatest($since, first_count)) + $chunk, last_count, $chunk) AS r(cut)
WHERE cut > $since
ORDER BY cut;
