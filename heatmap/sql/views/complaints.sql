-- complaints: the accepted complaints as analysts see them.
-- Grain: one row per complaint_id.
-- Inputs: store.complaints, store.placeholder_points, store.cells.
-- is_repeat: the same customer (by keyed hash) complained before, within 30 days (复燃).
-- precision 'placeholder': a source point at a known pile-up coordinate, not counted in a cell.
-- Only 'point' rows are counted in their resolution-8 cell; coarser geocodes (locality,
-- subdistrict, district) carry a cell of their own, coarser resolution.
-- district: the one the geocoder named, else that of the cell's centre.
-- complaints_from(since, until := NULL): the same rows reported at or after since (NULL: all
-- of them) and, with until, before it. It
-- reads only the 30 days before since to judge repeats, and of those only the complaints of
-- the customers who complained since, where a filter on the view would first order every
-- customer's whole history (the previous complaint cannot be pushed past it). A lookup of each
-- complaint's earlier ones instead was 3x slower on a whole year.
CREATE OR REPLACE MACRO complaints_from(since, until := NULL) AS TABLE
WITH ordered AS (
    SELECT
        c.*,
        lag(c.reported_at) OVER (PARTITION BY c.customer_hash ORDER BY c.reported_at, c.complaint_id)
            AS previous_at
    FROM store.complaints AS c
    WHERE (since IS NULL OR c.reported_at >= since - INTERVAL 30 DAYS)
      AND (until IS NULL OR c.reported_at < until)
      -- before since, a complaint matters only as the previous one of a customer's complaint
      -- since: the others are not ordered at all (a day's batch orders its customers' month,
      -- not the city's)
      AND (since IS NULL OR c.reported_at >= since OR c.customer_hash IN (
          SELECT customer_hash FROM store.complaints
          WHERE reported_at >= since AND (until IS NULL OR reported_at < until)
      ))
)
SELECT
    o.complaint_id,
    o.reported_at,
    o.issue_type,
    o.lat,
    o.lon,
    o.cell,
    lower(hex(o.cell)) AS cell_h3,
    o.resolution,
    CASE WHEN o.precision = 'point' AND p.lat IS NOT NULL THEN 'placeholder' ELSE o.precision END
        AS precision,
    o.position_source,
    coalesce(o.district, cl.district) AS district,
    o.customer_hash,
    o.customer_masked,
    coalesce(o.customer_hash IS NOT NULL AND o.reported_at - o.previous_at <= INTERVAL 30 DAYS, false)
        AS is_repeat,
    o.channel,
    o.severity,
    o.text,
    o.address,
    o.source_crs,
    o.batch_id,
    o.source_row
FROM ordered AS o
LEFT JOIN store.placeholder_points AS p
    ON o.lat = p.lat AND o.lon = p.lon AND o.position_source <> 'geocoded'
LEFT JOIN store.cells AS cl ON o.cell = cl.cell
WHERE since IS NULL OR o.reported_at >= since;

CREATE OR REPLACE VIEW complaints AS SELECT * FROM complaints_from(CAST(NULL AS TIMESTAMPTZ));
