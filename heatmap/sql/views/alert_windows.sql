-- alert_windows: each window in which an alert episode was flagged (its history).
-- Grain: (cluster_id, window_len, window_start, issue_type).
-- Inputs: store.alert_windows.
CREATE OR REPLACE VIEW alert_windows AS
SELECT
    cluster_id, window_start, window_len, issue_type,
    list_transform(cells, lambda c: lower(hex(c))) AS cells,
    observed, expected, score
FROM store.alert_windows;
