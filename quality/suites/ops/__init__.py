"""Quality suites of the `ops` schema: one module per table, named like the table."""
