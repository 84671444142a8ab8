"""``python -m heatmap``: the same as the ``heatmap`` command."""

from heatmap.cli import main

main()
