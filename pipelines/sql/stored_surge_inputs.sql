-- stored_surge_inputs: the surge inputs of every window of one length, in a stable order.
-- Grain: (window_start, issue_type) for one window length. Inputs: store.surge_inputs.
-- Parameters: $window_len ('1h' | '1d').
SELECT window_start, issue_type, observed, others_now, type_hist, others_hist
FROM store.surge_inputs
WHERE window_len = $window_len
ORDER BY window_start, issue_type;
