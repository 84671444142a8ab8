-- judged_pairs: how many (cell, spatial type) pairs are judged from each day on, the count the
-- stated false-alarm rate is shared among (heatmap.clusters.ClusterFinder.false_alarms_per_week):
-- a pair is judged on a day when it had a count in the history before that day. Made once per
-- run, for every window length and pass; cluster_candidates.sql reads it (ASOF: a day's pairs
-- are those of the latest changed_on at or before it).
-- Grain: temp table judged_pairs, one row per day the number changes (changed_on, pairs).
-- Inputs: none here; pipelines.judged_pairs fills it from the daily counts each scoring pass
-- loads (tests/reference_sql/judged_pairs.sql is the same count as one window query).
CREATE OR REPLACE TEMP TABLE judged_pairs (
    changed_on  TIMESTAMPTZ NOT NULL,
    pairs       BIGINT NOT NULL
);
