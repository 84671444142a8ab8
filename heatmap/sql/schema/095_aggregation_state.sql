-- store.aggregation_state: how far aggregation has got, so a run recounts only what changed.
-- Grain: one row.
-- Inputs: pipelines.aggregate (the last batch whose complaints are in the counts).
CREATE TABLE IF NOT EXISTS store.aggregation_state (
    last_batch_id  BIGINT NOT NULL
);
