"""Quality suites of the `forecast` schema: one module per table, named like the table."""
