-- map_extent: where the complaints are, for the map's opening view: the 10th-90th percentile
-- box of the centres of cells that have had complaints (the city, not its far-out suburbs).
-- Grain: one row. Inputs: cells view.
SELECT
    quantile_cont(lat, 0.1) AS south,
    quantile_cont(lat, 0.9) AS north,
    quantile_cont(lon, 0.1) AS west,
    quantile_cont(lon, 0.9) AS east,
    count(*) AS n_cells
FROM cells;
