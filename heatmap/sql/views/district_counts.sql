-- district_counts: complaints per district, window and issue type (non-zero counts only).
-- Grain: (district, window_len, window_start, issue_type).
-- Inputs: store.district_counts.
CREATE OR REPLACE VIEW district_counts AS
SELECT
    district,
    window_start,
    window_len,
    window_start + CASE window_len
        WHEN '1d' THEN INTERVAL 1 DAY
        WHEN 'now_3h' THEN INTERVAL 3 HOUR
        WHEN 'now_24h' THEN INTERVAL 24 HOUR
        ELSE INTERVAL 1 HOUR
    END AS window_end,
    issue_type,
    n,
    n_repeat,
    n_severe
FROM store.district_counts;
