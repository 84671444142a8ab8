-- store.cell_scores: each non-zero cell count judged against what is normal for it.
-- Grain: (cell, window_len, window_start, issue_type), spatial issue types only.
-- Inputs: store.cell_counts (pipelines.score_inputs) and heatmap.scoring.
-- expected uses only data before window_start (no look-ahead) plus the citywide total of the
-- window itself; score = Poisson log-likelihood ratio; p_value = P(X >= observed | expected).
CREATE TABLE IF NOT EXISTS store.cell_scores (
    cell          UBIGINT NOT NULL,
    window_start  TIMESTAMPTZ NOT NULL,
    window_len    VARCHAR NOT NULL,
    issue_type    VARCHAR NOT NULL,
    observed      INTEGER NOT NULL,
    expected      DOUBLE NOT NULL,
    p_value       DOUBLE NOT NULL,
    score         DOUBLE NOT NULL,
    flagged       BOOLEAN NOT NULL
);
