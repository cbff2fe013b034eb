"""Quality suites of the `inventory` schema: one module per table, named like the table."""
