"""Assets of the `inventory` schema: one module per table."""
