"""The scheduled jobs: SQL files plus the thin Python that runs them."""
