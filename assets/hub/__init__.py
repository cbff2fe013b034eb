"""Assets of the `hub` schema: one module per table."""
