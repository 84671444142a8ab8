-- The reference for pipelines.judged_pairs (tests/test_judged_pairs.py): the same count as one
-- window query, which is what the engine ran until it took 0.27 s of a day's batch on a year.
-- judged_pairs: how many (cell, spatial type) pairs are judged from each day on, the count the
-- stated false-alarm rate is shared among (heatmap.clusters.ClusterFinder.false_alarms_per_week):
-- a pair is judged on a day when it had a count in the $history before that day.
-- Grain: temp table reference_pairs, one row per day the number changes (changed_on, pairs).
-- Inputs: store.cell_counts (daily, resolution 8). Parameters: $spatial_types (list), $history
-- (INTERVAL), $counted_from (the first day of counts that can matter: the first rescored day
-- less the history, with a margin; earlier counts have aged out by then).
CREATE OR REPLACE TEMP TABLE reference_pairs AS
WITH counted_days AS (
    -- each day a (cell, type) had a count, and the next such day
    SELECT window_start AS day,
           lead(window_start) OVER (PARTITION BY cell, issue_type ORDER BY window_start) AS next_day
    FROM store.cell_counts
    WHERE resolution = 8 AND window_len = '1d' AND list_contains($spatial_types, issue_type)
      AND window_start >= $counted_from
),
changes AS (
    -- a count on day d keeps its pair judged from the next day until $history after d, or
    -- until its next count takes over
    SELECT day + INTERVAL 1 DAY AS changed_on, 1 AS delta FROM counted_days
    UNION ALL
    SELECT least(coalesce(next_day, day + $history), day + $history) + INTERVAL 1 DAY, -1
    FROM counted_days
)
SELECT changed_on, sum(sum(delta)) OVER (ORDER BY changed_on) AS pairs
FROM changes
GROUP BY changed_on;
