-- Clears the stored clusters of the windows of one length about to be re-clustered.
-- Grain: store.clusters (one row per cluster). Inputs: store.clusters.
-- Parameters: $window_len ('1h' | '3h' | '1d'), $rescored_from.
DELETE FROM store.clusters
WHERE window_len = $window_len AND window_start >= $rescored_from;
