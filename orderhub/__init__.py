"""OrderHub core: Dagster-free domain logic (pure functions) used by the asset wrappers."""
