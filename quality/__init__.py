"""Data-quality: Great Expectations suites per table, wrapped as Dagster asset checks; alerting."""
