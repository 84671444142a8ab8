-- outcome: how the rows of one batch ended, for the ingest summary.
-- Grain: one row per (outcome, reason, position_source, precision), with its row count.
-- Inputs: temp tables validated and duplicate_rows and the Arrow table positioned
-- (heatmap/sql/ingest/accept.sql has run before); validated and positioned are zipped row for
-- row, as there.
-- A quarantined row without raw would be a row the validation thought safe and the position
-- checks did not: raw_missing counts them, and the ingest refuses the batch if any.
SELECT
    CASE
        WHEN coalesce(v.reason, CAST(p.reason AS VARCHAR)) IS NOT NULL THEN 'quarantined'
        WHEN d.row_index IS NOT NULL THEN 'duplicate'
        ELSE 'accepted'
    END AS outcome,
    coalesce(v.reason, CAST(p.reason AS VARCHAR)) AS reason,
    CAST(p.position_source AS VARCHAR) AS position_source,
    CAST(p.precision AS VARCHAR) AS precision,
    count(*) AS n,
    count(*) FILTER (
        coalesce(v.reason, CAST(p.reason AS VARCHAR)) IS NOT NULL AND v.raw IS NULL
    ) AS raw_missing
FROM validated AS v
POSITIONAL JOIN positioned AS p
LEFT JOIN duplicate_rows AS d ON d.row_index = v.rowid
GROUP BY ALL
ORDER BY ALL;
