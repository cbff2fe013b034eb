"""Pure, Dagster-free helpers for the source connectors (signing, time formats, windows, paging)."""
