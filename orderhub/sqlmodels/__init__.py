"""A small dbt-like runner: plain SQL models in `dbt_like_sql/` become DuckDB views/tables and Dagster assets."""
