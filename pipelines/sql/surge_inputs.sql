-- surge_inputs: replaces the stored surge inputs of the clock hours from $hour_from and the
-- days from $day_from on: each issue type's citywide count per window, with its baseline.
-- Grain: store.surge_inputs, (window_len, window_start, issue_type).
-- Inputs: store.complaints (every precision counts citywide, placeholders included, since a
-- surge is not a place). Parameters: $history, $burn_in (INTERVAL), $hour_from and $day_from
-- (the first '1h' and '1d' windows replaced).
-- The baseline is the type's share of the other types' volume over the preceding $history,
-- applied to the other types' volume in this window: the rhythm of the day and week, holidays
-- and backlogs move both sides together.
-- The complaints are read once, into clock hours, from a day before the first baseline: the
-- hour read only in part lies before every baseline. A day is the sum of its hours (an hour
-- lies in one calendar day). A type's rows are kept only where it has a complaint (elsewhere
-- its Poisson tail is 1), so which types the complaints not read have does not matter.
DELETE FROM store.surge_inputs
WHERE window_start >= CASE window_len WHEN '1d' THEN $day_from ELSE $hour_from END;
INSERT INTO store.surge_inputs BY NAME
WITH first_complaint AS (
    -- the burn-in runs from the store's first complaint, read or not
    SELECT min(reported_at) AS reported_at FROM store.complaints
),
hours AS (
    SELECT date_trunc('hour', reported_at) AS window_start, issue_type, count(*) AS n
    FROM store.complaints
    WHERE reported_at >= least($day_from, $hour_from) - $history - INTERVAL 1 DAY
    GROUP BY ALL
),
windows AS (
    SELECT '1h' AS window_len, window_start, issue_type, n FROM hours
    UNION ALL
    SELECT '1d' AS window_len, date_trunc('day', window_start), issue_type, sum(n)
    FROM hours
    GROUP BY ALL
),
all_types AS (
    SELECT window_len, window_start, sum(n) AS total FROM windows GROUP BY ALL
),
grid AS (
    SELECT w.window_len, w.window_start, t.issue_type
    FROM all_types AS w
    CROSS JOIN (SELECT DISTINCT issue_type FROM hours) AS t
),
filled AS (
    SELECT
        g.window_len,
        g.window_start,
        g.issue_type,
        coalesce(w.n, 0) AS observed,
        a.total - coalesce(w.n, 0) AS others_now
    FROM grid AS g
    JOIN all_types AS a ON a.window_len = g.window_len AND a.window_start = g.window_start
    LEFT JOIN windows AS w
        ON w.window_len = g.window_len
       AND w.window_start = g.window_start
       AND w.issue_type = g.issue_type
),
history AS (
    SELECT
        *,
        sum(observed) OVER w - observed AS type_hist,
        sum(others_now) OVER w - others_now AS others_hist
    FROM filled
    WINDOW w AS (
        PARTITION BY window_len, issue_type ORDER BY window_start
        RANGE BETWEEN $history PRECEDING AND CURRENT ROW
    )
)
SELECT window_start, window_len, issue_type, observed, others_now, type_hist, others_hist
FROM history
CROSS JOIN first_complaint AS f
WHERE window_start >= CASE window_len WHEN '1d' THEN $day_from ELSE $hour_from END
  AND window_start >= CASE window_len WHEN '1d' THEN date_trunc('day', f.reported_at)
                           ELSE date_trunc('hour', f.reported_at) END + $burn_in
  AND observed > 0;
