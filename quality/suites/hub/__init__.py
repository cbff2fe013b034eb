"""Quality suites of the `hub` schema: one module per table, named like the table."""
