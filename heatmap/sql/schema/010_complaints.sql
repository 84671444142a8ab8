-- store.complaints: every accepted complaint, cleaned.
-- Grain: one row per complaint_id.
-- Inputs: heatmap ingest (any source file through its mapping).
-- Coordinates are WGS-84 whatever the source CRS; reported_at is an instant (UTC inside).
-- Personal data never arrives here in clear: customer_hash is a keyed hash, customer_masked
-- keeps only the first three and last four digits.
CREATE TABLE IF NOT EXISTS store.complaints (
    complaint_id     VARCHAR NOT NULL,
    reported_at      TIMESTAMPTZ NOT NULL,
    issue_type       VARCHAR NOT NULL,
    lat              DOUBLE NOT NULL,
    lon              DOUBLE NOT NULL,
    cell             UBIGINT NOT NULL,
    precision        VARCHAR NOT NULL,
    customer_hash    VARCHAR,
    customer_masked  VARCHAR,
    channel          VARCHAR,
    severity         VARCHAR,
    text             VARCHAR,
    address          VARCHAR,
    source_crs       VARCHAR NOT NULL,
    batch_id         BIGINT NOT NULL,
    source_row       BIGINT NOT NULL
);
