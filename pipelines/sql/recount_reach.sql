-- recount_reach: the complaints that the windows of temp table recount (and, with
-- $with_trailing, the trailing windows) can hold: from the first window's start, until a day
-- after the last one starts (a day window is a day long; NULL when trailing, whose windows end
-- at the newest complaint).
-- Grain: one row. Inputs: temp table recount. Parameters: $data_until, $with_trailing.
SELECT
    least(
        min(window_start), CASE WHEN $with_trailing THEN $data_until - INTERVAL 24 HOURS END
    ) AS located_from,
    CASE WHEN NOT $with_trailing THEN max(window_start) + INTERVAL 1 DAY END AS located_until
FROM recount;
