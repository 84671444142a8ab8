-- store.cells: every resolution-8 cell that has had a complaint, with its district and shape.
-- Grain: one row per cell (resolution 8).
-- Inputs: store.complaints and the district polygons (pipelines.aggregate, heatmap.districts).
CREATE TABLE IF NOT EXISTS store.cells (
    cell          UBIGINT NOT NULL,
    resolution    TINYINT NOT NULL,
    district      VARCHAR,
    district_en   VARCHAR,
    lat           DOUBLE NOT NULL,
    lon           DOUBLE NOT NULL,
    boundary_wkt  VARCHAR NOT NULL
);
