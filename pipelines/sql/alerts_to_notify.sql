-- alerts_to_notify: alerts the webhook has not heard about in their current state: open alerts
-- that are new or whose status, size or count changed, and alerts sent before that are now
-- resolved. Alerts that were already over before anyone was told are not sent.
-- Grain: cluster_id. Inputs: alerts view, store.notifications.
SELECT
    a.cluster_id,
    CASE
        WHEN n.cluster_id IS NULL THEN 'new'
        WHEN a.status = 'resolved' THEN 'resolved'
        ELSE 'changed'
    END AS event
FROM alerts AS a
LEFT JOIN store.notifications AS n USING (cluster_id)
WHERE (n.cluster_id IS NULL AND a.status IN ('new', 'ongoing'))
   OR (n.cluster_id IS NOT NULL
       AND (n.status <> a.status OR n.observed <> a.observed OR n.n_cells <> a.n_cells))
ORDER BY a.window_end, a.cluster_id;
