-- previous_points: the placeholder piles as they were before this run recomputes them.
-- Grain: (lat, lon). Inputs: store.placeholder_points.
CREATE OR REPLACE TEMP TABLE previous_points AS
SELECT lat, lon FROM store.placeholder_points;
