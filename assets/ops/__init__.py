"""Assets of the `ops` schema: one module per table."""
