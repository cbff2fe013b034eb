"""Every Dagster asset, one module per table: `assets/<schema>/<table>.py` builds `<schema>.<table>`.

Dagster loads this folder with `dg.load_from_defs_folder` (see pipelines/definitions.py); asset key = table
name. A multi-asset lives in the file of its first table and its docstring names the others. The SQL models
under dbt_like_sql/ (`stg.*`, `kpi.*`) become assets in `assets/sql_models.py`. Tables that an asset writes
on the side (cursors, the call log, quarantine) are named in that asset's module docstring.
`ops.schema_migrations` is written by `orderhub/migrate.py` whenever a writer opens the warehouse.
"""
