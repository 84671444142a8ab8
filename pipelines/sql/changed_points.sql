-- changed_points: coordinates that became, or stopped being, placeholder piles in this run:
-- their complaints move in or out of the cell counts, so their windows must be recounted.
-- Grain: (lat, lon). Inputs: temp table previous_points, store.placeholder_points.
CREATE OR REPLACE TEMP TABLE changed_points AS
(SELECT lat, lon FROM previous_points EXCEPT SELECT lat, lon FROM store.placeholder_points)
UNION
(SELECT lat, lon FROM store.placeholder_points EXCEPT SELECT lat, lon FROM previous_points);
