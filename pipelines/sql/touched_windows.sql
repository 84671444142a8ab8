-- touched_windows: the windows a run must recount, and nothing else.
-- Grain: (window_len, window_start).
-- Inputs: store.complaints; temp table changed_points (coordinates whose placeholder status
-- changed in this run). Parameters: $after_batch (the last batch already in the counts).
-- A late complaint touches the hour and day it belongs to, however old, and the windows of its
-- customer's complaints in the 30 days after it (they may have become repeats, 复燃); a batch
-- ingested twice adds no complaint and so touches nothing.
CREATE OR REPLACE TEMP TABLE touched_windows AS
WITH changed AS (
    SELECT reported_at FROM store.complaints WHERE batch_id > $after_batch
    UNION ALL
    SELECT later.reported_at
    FROM store.complaints AS added
    JOIN store.complaints AS later
      ON later.customer_hash = added.customer_hash
     AND later.reported_at > added.reported_at
     AND later.reported_at <= added.reported_at + INTERVAL 30 DAYS
    WHERE added.batch_id > $after_batch AND later.batch_id <= $after_batch
    UNION ALL
    SELECT c.reported_at
    FROM store.complaints AS c
    JOIN changed_points AS p ON c.lat = p.lat AND c.lon = p.lon
)
SELECT DISTINCT '1h' AS window_len, date_trunc('hour', reported_at) AS window_start FROM changed
UNION
SELECT DISTINCT '1d' AS window_len, date_trunc('day', reported_at) AS window_start FROM changed;
