-- lake_day_fingerprints: what each day partition of the lake must hold, summarised: its row
-- count and an order-free fingerprint of every contract column of every row. A day whose
-- fingerprint differs from the lake's manifest is rewritten, whatever changed it (new or late
-- complaints, complaints that became repeats or placeholder piles).
-- Grain: one row per day (engine zone).
-- Inputs: temp view lake_complaints (lake_complaints.sql).
SELECT
    CAST(day AS VARCHAR) AS day,
    count(*) AS complaints,
    lower(hex(bit_xor(hash(c)))) AS fingerprint
FROM lake_complaints AS c
GROUP BY day
ORDER BY day;
