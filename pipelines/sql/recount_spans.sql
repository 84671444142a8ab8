-- recount_spans: the touched windows cut into spans of $span (from the local day of the
-- earliest), each recounted on its own; a day window never straddles two spans.
-- Grain: one row per span that holds a touched window: its first instant (NULL for the first
-- span) and the first after it (NULL for the last). Inputs: temp table touched_windows.
-- Parameters: $span (INTERVAL).
WITH cuts AS (
    SELECT cut
    FROM range(
        date_trunc('day', (SELECT min(window_start) FROM touched_windows)) + $span,
        (SELECT max(window_start) FROM touched_windows) + INTERVAL 1 HOUR,
        $span
    ) AS r(cut)
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
