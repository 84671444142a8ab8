"""Heatmap: a geospatial complaint heat-map engine for a telecom NOC."""
