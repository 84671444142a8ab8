-- Clears the stored scores of the windows about to be rescored.
-- Grain: store.cell_scores (cell, window_start, window_len, issue_type).
-- Inputs: store.cell_scores. Parameters: $window_len ('1h' | '3h' | '1d'), $rescored_from
-- (pipelines/sql/rescored_from.sql).
-- Records in store.changes where the scores change, for publishing (heatmap.published_parts).
INSERT INTO store.changes SELECT 'cell_scores', $rescored_from WHERE $rescored_from IS NOT NULL;

DELETE FROM store.cell_scores
WHERE window_len = $window_len AND window_start >= $rescored_from;
