-- scoring_chunks: the span a long rescoring (or the cluster search after it) is cut in, so that
-- each pass holds a bounded span of counts in memory: from the day of $since (or of the first
-- count, if later) to the newest count; pipelines.cuts cuts it every chunk from that day.
-- Grain: one row (NULLs: no counts). Inputs: store.cell_counts. Parameters: $since.
SELECT date_trunc('day', greatest($since, min(window_start))) AS first_day,
       max(window_start) AS last_count
FROM store.cell_counts
WHERE resolution = 8 AND window_len = '1h';
