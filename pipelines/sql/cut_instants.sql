-- cut_instants: every $step from $first_day (the first at $first_day + $step) that comes
-- before $until, in the session's time zone (days are calendar days: a cut from a local
-- midnight stays a local midnight across a DST change).
-- Grain: one row per cut. Inputs: none. Parameters: $first_day, $until (TIMESTAMPTZ), $step
-- (INTERVAL), $counts (a list of the multiples to try, 1, 2, … enough to pass $until: DuckDB
-- 2.0's range() over computed bounds overflowed its cardinality estimate on an empty range, an
-- internal error, so the multiples come from pipelines.cuts).
SELECT cut
FROM (SELECT CAST($first_day AS TIMESTAMPTZ) + k * $step AS cut FROM unnest($counts) AS s(k))
WHERE cut < $until
ORDER BY cut;
