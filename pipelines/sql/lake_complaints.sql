-- lake_complaints: the cleaned complaints as the Parquet lake carries them to Spark: the
-- columns of the data-layout contract (docs/SPARK.md) and the partition key `day`.
-- Grain: one row per complaint_id.
-- Inputs: the complaints view (is_repeat, precision and district are decided there, once, for
-- both engines). Free text, address and the masked number stay home: counting needs none of
-- them and the lake may be read on another machine.
-- `day` is the calendar day of reported_at in the engine zone (the connection's TimeZone).
CREATE OR REPLACE TEMP VIEW lake_complaints AS
SELECT
    complaint_id,
    reported_at,
    issue_type,
    lat,
    lon,
    cell,
    precision,
    district,
    customer_hash,
    is_repeat,
    severity,
    channel,
    source_crs,
    batch_id,
    source_row,
    CAST(reported_at AS DATE) AS day
FROM complaints;
