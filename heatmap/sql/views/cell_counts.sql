-- cell_counts: complaints per cell, window and issue type (non-zero counts only), at
-- resolution 8 and rolled up to 7 and 6.
-- Grain: (cell, resolution, window_len, window_start, issue_type).
-- Inputs: store.cell_counts.
CREATE OR REPLACE VIEW cell_counts AS
SELECT
    cell,
    lower(hex(cell)) AS cell_h3,
    resolution,
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
FROM store.cell_counts;
