"""Assets of the `forecast` schema: one module per table."""
