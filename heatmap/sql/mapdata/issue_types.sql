-- issue_types: the issue types present in the counts, most frequent first, for the type filter.
-- Grain: issue_type. Inputs: cell_counts view (daily windows: every complaint counted once).
SELECT issue_type, sum(n)::BIGINT AS n
FROM cell_counts
WHERE resolution = 8 AND window_len = '1d'
GROUP BY issue_type
ORDER BY n DESC, issue_type;
