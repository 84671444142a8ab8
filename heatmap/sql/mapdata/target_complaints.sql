-- target_complaints: the complaints behind a drill-down, newest first, with totals over all of
-- them (not only the rows shown): how many, how many repeats (复燃), how many graded A.
-- Grain: complaint (the newest $limit), each row carrying the totals.
-- Inputs: complaints view (customer numbers only as masks).
-- Parameters: $cells (list of H3 hex strings; empty means anywhere), $issue_types (list; empty
-- means every type), $from, $until (on reported_at), $precision ('point' | 'placeholder'),
-- $limit.
WITH matching AS (
    SELECT
        reported_at, issue_type, customer_masked, channel, severity, text, is_repeat,
        district, cell_h3
    FROM complaints
    WHERE reported_at >= $from AND reported_at < $until
      AND precision = $precision
      AND (len($cells::VARCHAR[]) = 0 OR list_contains($cells::VARCHAR[], cell_h3))
      AND (len($issue_types::VARCHAR[]) = 0
           OR list_contains($issue_types::VARCHAR[], issue_type))
)
SELECT
    *,
    count(*) OVER () AS total,
    count(*) FILTER (WHERE is_repeat) OVER () AS total_repeat,
    count(*) FILTER (WHERE severity = 'A') OVER () AS total_severe
FROM matching
ORDER BY reported_at DESC, cell_h3
LIMIT $limit;
