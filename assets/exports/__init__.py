"""The `exports` assets: files OrderHub writes for people (the dashboard)."""
