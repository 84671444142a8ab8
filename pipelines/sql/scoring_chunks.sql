-- scoring_chunks: where a long rescoring is cut, so that each pass holds a bounded span of
-- counts in memory: every $chunk from the day of $since on, up to the newest count.
-- Grain: one row per cut (after $since). Inputs: store.cell_counts. Parameters: $since,
-- $chunk (INTERVAL).
SELECT cut
FROM range(
    date_trunc('day', $since) + $chunk,
    (SELECT max(window_start) FROM store.cell_counts WHERE resolution = 8 AND window_len = '1h'),
    $chunk
) AS r(cut)
WHERE cut > $since
ORDER BY cut;
