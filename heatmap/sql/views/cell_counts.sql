-- cell_counts: complaints per cell, window and issue type (non-zero counts only).
-- Grain: (cell, window_len, window_start, issue_type).
-- Inputs: store.cell_counts.
CREATE OR REPLACE VIEW cell_counts AS
SELECT
    cell,
    lower(hex(cell)) AS cell_h3,
    resolution,
    window_start,
    window_len,
    window_start + CASE window_len WHEN '1d' THEN INTERVAL 1 DAY ELSE INTERVAL 1 HOUR END
        AS window_end,
    issue_type,
    n,
    n_repeat,
    n_severe
FROM store.cell_counts;
