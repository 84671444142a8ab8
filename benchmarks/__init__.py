"""Performance and detection-quality benchmarks of the heatmap engine.

Run them all with ``make bench`` (``python -m benchmarks``); the report is printed and written to
``benchmarks/results/latest.md`` and ``latest.json``. ``benchmarks/README.md`` explains each
figure. Every step runs through the real ``heatmap`` CLI in its own process, so wall times and
peak memory are those an operator's scheduled job would see.
"""
