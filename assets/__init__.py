"""Dagster assets, one module per domain; each exposes `defs`. Asset key == DuckDB table name."""
