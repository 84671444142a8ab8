-- freshness: when the published data was last refreshed and how recent its newest complaint is.
-- Grain: one row (the latest run). Inputs: runs view.
SELECT finished_at, data_until, complaints, alerts_open
FROM runs
ORDER BY finished_at DESC
LIMIT 1;
