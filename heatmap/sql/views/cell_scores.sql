-- cell_scores: every non-zero count of a spatial issue type against its expected value.
-- Grain: (cell, window_len, window_start, issue_type).
-- Inputs: store.cell_scores.
CREATE OR REPLACE VIEW cell_scores AS
SELECT
    cell, lower(hex(cell)) AS cell_h3, window_start, window_len, issue_type,
    observed, expected, p_value, score, flagged
FROM store.cell_scores;
