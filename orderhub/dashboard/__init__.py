"""The operations dashboard: one offline HTML page and the same KPIs as Dagster metadata."""
