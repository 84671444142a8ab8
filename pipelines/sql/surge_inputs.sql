-- surge_inputs: replaces the stored surge inputs of one window length from $rescored_from on:
-- each issue type's citywide count per window, with its baseline.
-- Grain: store.surge_inputs, (window_start, issue_type) for one window length.
-- Inputs: store.complaints (every precision counts citywide, placeholders included, since a
-- surge is not a place). Parameters: $window_len ('1h' | '1d'), $history, $burn_in (INTERVAL),
-- $rescored_from (the first window replaced).
-- The baseline is the type's share of the other types' volume over the preceding $history,
-- applied to the other types' volume in this window: the rhythm of the day and week, holidays
-- and backlogs move both sides together.
-- Only the complaints from a day before the first baseline on are read: the window read only
-- in part lies before every baseline. A type's rows are kept only where it has a complaint
-- (elsewhere its Poisson tail is 1), so which types the other complaints have does not matter.
DELETE FROM store.surge_inputs
WHERE window_len = $window_len AND window_start >= $rescored_from;
INSERT INTO store.surge_inputs BY NAME
WITH first_window AS (
    -- the burn-in runs from the store's first complaint, read or not
    SELECT CASE $window_len WHEN '1d' THEN date_trunc('day', min(reported_at))
                ELSE date_trunc('hour', min(reported_at)) END AS window_start
    FROM store.complaints
),
windows AS (
    SELECT
        CASE $window_len WHEN '1d' THEN date_trunc('day', reported_at)
             ELSE date_trunc('hour', reported_at) END AS window_start,
        issue_type,
        count(*) AS n
    FROM store.complaints
    WHERE reported_at >= $rescored_from - $history - INTERVAL 1 DAY
    GROUP BY ALL
),
all_types AS (
    SELECT window_start, sum(n) AS total FROM windows GROUP BY ALL
),
grid AS (
    SELECT w.window_start, t.issue_type
    FROM all_types AS w
    CROSS JOIN (SELECT DISTINCT issue_type FROM windows) AS t
),
filled AS (
    SELECT
        g.window_start,
        g.issue_type,
        coalesce(w.n, 0) AS observed,
        a.total - coalesce(w.n, 0) AS others_now
    FROM grid AS g
    JOIN all_types AS a ON a.window_start = g.window_start
    LEFT JOIN windows AS w ON w.window_start = g.window_start AND w.issue_type = g.issue_type
),
history AS (
    SELECT
        *,
        sum(observed) OVER w - observed AS type_hist,
        sum(others_now) OVER w - others_now AS others_hist
    FROM filled
    WINDOW w AS (
        PARTITION BY issue_type ORDER BY window_start
        RANGE BETWEEN $history PRECEDING AND CURRENT ROW
    )
)
SELECT
    window_start,
    $window_len AS window_len,
    issue_type,
    observed,
    others_now,
    type_hist,
    others_hist
FROM history
WHERE window_start >= $rescored_from
  AND window_start >= (SELECT window_start FROM first_window) + $burn_in
  AND observed > 0;
