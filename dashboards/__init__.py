"""The Streamlit dashboard: pages that lay out widgets and call ``heatmap``."""
