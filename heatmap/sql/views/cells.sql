-- cells: every resolution-8 cell that has had a complaint, with its district, centre, polygon.
-- Grain: cell.
-- Inputs: store.cells.
CREATE OR REPLACE VIEW cells AS
SELECT cell, lower(hex(cell)) AS cell_h3, resolution, district, district_en, lat, lon, boundary_wkt
FROM store.cells;
