"""Assets of the `raw` schema: one module per table."""
