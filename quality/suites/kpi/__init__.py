"""Quality suites of the `kpi` schema: one module per table, named like the table."""
