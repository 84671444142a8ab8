-- alert_list: the alerts panel: alerts of the chosen statuses by score, with the issue types
-- each spans (an outage flags outage, broadband-down and no-signal calls side by side) and the
-- share of its complaints with emotion grade A (暴躁), over its flagged hourly windows.
-- Grain: cluster_id. Inputs: alerts, alert_windows, cell_counts and cells views
-- (district_en: the district's name in pinyin, for the English dashboard).
-- Parameters: $statuses (list of 'new' | 'ongoing' | 'resolved').
WITH chosen AS (
    SELECT * FROM alerts WHERE list_contains($statuses, status)
),
flagged_windows AS (
    SELECT w.cluster_id, w.window_start, w.window_len, w.issue_type, w.cells, a.kind
    FROM alert_windows AS w
    JOIN chosen AS a USING (cluster_id)
),
types AS (
    SELECT cluster_id, list(DISTINCT issue_type ORDER BY issue_type) AS issue_types
    FROM flagged_windows
    GROUP BY cluster_id
),
hotspot_cells AS (
    SELECT cluster_id, window_start, issue_type, ('0x' || cell_h3)::UBIGINT AS cell
    FROM (
        SELECT cluster_id, window_start, issue_type, unnest(cells) AS cell_h3
        FROM flagged_windows
        WHERE window_len = '1h' AND kind = 'hotspot'
    )
),
hotspot_grades AS (
    SELECT h.cluster_id, sum(c.n) AS n, sum(c.n_severe) AS n_severe
    FROM hotspot_cells AS h
    JOIN cell_counts AS c
        ON c.cell = h.cell AND c.window_len = '1h'
       AND c.window_start = h.window_start AND c.issue_type = h.issue_type
       AND c.resolution = 8
    GROUP BY h.cluster_id
),
surge_grades AS (
    SELECT w.cluster_id, sum(c.n) AS n, sum(c.n_severe) AS n_severe
    FROM flagged_windows AS w
    JOIN cell_counts AS c
        ON c.window_len = '1h' AND c.window_start = w.window_start AND c.issue_type = w.issue_type
       AND c.resolution = 8
    WHERE w.window_len = '1h' AND w.kind = 'surge'
    GROUP BY w.cluster_id
),
grades AS (
    SELECT * FROM hotspot_grades
    UNION ALL
    SELECT * FROM surge_grades
)
SELECT
    a.cluster_id, a.kind, a.issue_type, a.label_zh, a.label, a.status,
    a.window_start, a.window_end, a.cells, a.n_cells, a.observed,
    round(a.expected, 1) AS expected,
    round(a.score, 1) AS score,
    a.district,
    (SELECT any_value(c.district_en) FROM cells AS c WHERE c.district = a.district)
        AS district_en,
    a.center_lat, a.center_lon,
    coalesce(t.issue_types, [a.issue_type]) AS issue_types,
    g.n_severe / nullif(g.n, 0) AS severe_share
FROM chosen AS a
LEFT JOIN types AS t USING (cluster_id)
LEFT JOIN grades AS g USING (cluster_id)
ORDER BY a.score DESC, a.cluster_id;
