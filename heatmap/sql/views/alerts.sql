-- alerts: every hotspot, surge and data-quality alert ever raised, newest first.
-- Grain: cluster_id (one alert episode, possibly over several windows).
-- Inputs: store.alerts. cells are H3 hex strings here (UBIGINT inside the store).
CREATE OR REPLACE VIEW alerts AS
SELECT
    cluster_id, kind, issue_type, label, label_zh, window_start, window_end,
    list_transform(cells, lambda c: lower(hex(c))) AS cells,
    len(cells) AS n_cells,
    observed, expected, score, p_value, status, district, center_lat, center_lon
FROM store.alerts
ORDER BY window_end DESC, score DESC;
