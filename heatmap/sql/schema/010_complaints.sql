-- store.complaints: every accepted complaint, cleaned.
-- Grain: one row per complaint_id.
-- Inputs: heatmap ingest (any source file through its mapping).
-- Coordinates are WGS-84 whatever the source CRS; reported_at is an instant (UTC inside).
-- precision says what the position stands for: 'point' (source coordinates, or an address the
-- gazetteer knows to the building) is counted in its resolution-8 cell; 'locality',
-- 'subdistrict' and 'district' (geocoded addresses) have a cell at a coarser resolution
-- (7, 6, 5) and are never counted as points. district is the district the geocoder named (NULL
-- for source coordinates: the cell decides). position_source: 'coordinates', 'swap_repaired'
-- (latitude and longitude exchanged in the source, certain through the service area) or
-- 'geocoded'.
-- Personal data never arrives here in clear: customer_hash is a keyed hash, customer_masked
-- keeps only the first three and last four digits.
CREATE TABLE IF NOT EXISTS store.complaints (
    complaint_id     VARCHAR NOT NULL,
    reported_at      TIMESTAMPTZ NOT NULL,
    issue_type       VARCHAR NOT NULL,
    lat              DOUBLE NOT NULL,
    lon              DOUBLE NOT NULL,
    cell             UBIGINT NOT NULL,
    resolution       TINYINT NOT NULL,
    precision        VARCHAR NOT NULL,
    position_source  VARCHAR NOT NULL,
    district         VARCHAR,
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
