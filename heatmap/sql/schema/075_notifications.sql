-- store.notifications: the last state of each alert that was sent to the webhook, so that only
-- new and changed alerts are sent again.
-- Grain: one row per cluster_id.
-- Inputs: pipelines.notify.
CREATE TABLE IF NOT EXISTS store.notifications (
    cluster_id    VARCHAR NOT NULL,
    status        VARCHAR NOT NULL,
    observed      BIGINT NOT NULL,
    n_cells       BIGINT NOT NULL,
    notified_at   TIMESTAMPTZ NOT NULL
);
