-- district_cells: the cells of one district that have had complaints (a district drill-down).
-- Grain: cell. Inputs: cells view. Parameters: $district (its Chinese name, as in cells).
SELECT cell_h3
FROM cells
WHERE district = $district
ORDER BY cell_h3;
