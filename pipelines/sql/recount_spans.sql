-- recount_spans: the touched windows cut into spans (pipelines.cuts: every $span from the local
-- day of the earliest), each recounted on its own; a day window never straddles two spans.
-- Grain: one row per span that holds a touched window: its first instant (NULL for the first
-- span) and the first after it (NULL for the last). Inputs: temp table touched_windows.
-- Parameters: $cuts (a list of TIMESTAMPTZ, in order; empty: one span).
WITH cuts AS (
    SELECT unnest(CAST($cuts AS TIMESTAMPTZ[])) AS cut
),
spans AS (
    SELECT lag(cut) OVER (ORDER BY cut) AS span_from, cut AS span_until FROM cuts
    UNION ALL
    SELECT max(cut), NULL FROM cuts
)
SELECT span_from, span_until
FROM spans AS s
WHERE EXISTS (
    SELECT 1 FROM touched_windows AS t
    WHERE (s.span_from IS NULL OR t.window_start >= s.span_from)
      AND (s.span_until IS NULL OR t.window_start < s.span_until)
)
ORDER BY span_from NULLS FIRST;
