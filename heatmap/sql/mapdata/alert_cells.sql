-- alert_cells: the cells of hotspot and data-quality alerts, for outlining them on the map.
-- Grain: (cluster_id, cell). Inputs: alerts view. Parameters: $statuses (list).
SELECT a.cluster_id, a.kind, a.label_zh, a.label, unnest(a.cells) AS h3
FROM alerts AS a
WHERE a.kind <> 'surge' AND list_contains($statuses, a.status);
