-- placeholder_series: complaints piled up on a placeholder coordinate (a data-quality alert),
-- window by window. They are kept but never counted in a cell, so nothing is expected of them.
-- Grain: window_start, for one window_len and $from <= window_start < $until.
-- Inputs: complaints view. Parameters: $cells (list of H3 hex strings), $window_len, $from,
-- $until.
WITH step AS (
    SELECT CASE $window_len WHEN '1d' THEN INTERVAL 1 DAY ELSE INTERVAL 1 HOUR END AS length
),
steps AS (
    SELECT unnest(generate_series($from::TIMESTAMPTZ, $until::TIMESTAMPTZ - length, length))
        AS window_start
    FROM step
),
piled AS (
    SELECT
        CASE $window_len WHEN '1d' THEN date_trunc('day', reported_at)
            ELSE date_trunc('hour', reported_at) END AS window_start,
        count(*) AS observed
    FROM complaints
    WHERE precision = 'placeholder'
      AND list_contains($cells::VARCHAR[], cell_h3)
      AND reported_at >= $from AND reported_at < $until
    GROUP BY 1
)
SELECT
    t.window_start,
    coalesce(p.observed, 0)::INTEGER AS observed,
    NULL::DOUBLE AS expected,
    false AS flagged
FROM steps AS t
LEFT JOIN piled AS p USING (window_start)
ORDER BY t.window_start;
