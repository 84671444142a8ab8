-- recount: the touched windows of one span (pipelines/sql/recount_spans.sql), the windows that
-- aggregate_counts.sql recounts next.
-- Grain: (window_len, window_start). Inputs: temp table touched_windows. Parameters:
-- $span_from, $span_until (NULL: unbounded).
CREATE OR REPLACE TEMP TABLE recount AS
SELECT window_len, window_start
FROM touched_windows
WHERE (CAST($span_from AS TIMESTAMPTZ) IS NULL OR window_start >= $span_from)
  AND (CAST($span_until AS TIMESTAMPTZ) IS NULL OR window_start < $span_until);
