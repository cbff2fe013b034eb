"""Asset key = table name: the one spelling of a key, and the row count every asset reports."""

from __future__ import annotations

import dagster as dg
import duckdb

from orderhub.ddl import ddl_path, table_columns


def key(table: str) -> dg.AssetKey:
    """'hub.orders' -> AssetKey(['hub', 'orders'])."""
    return dg.AssetKey(table.split("."))


def row_count(con: duckdb.DuckDBPyConnection, table: str, where: str = "true", params: list | None = None) -> dict:
    """`dagster/row_count` metadata: the table's rows (or the materialized window's, with `where`)."""
    n = con.execute(f"select count(*) from {table} where {where}", params or []).fetchone()[0]
    return {"dagster/row_count": dg.MetadataValue.int(int(n))}


def column_schema(table: str) -> dg.TableSchema | None:
    """The table's column schema from its DDL file (orderhub/ddl/<schema>/<table>.sql), None without one."""
    if not ddl_path(table).exists():
        return None
    return dg.TableSchema(
        columns=[dg.TableColumn(c.name, c.type, description=c.description or None) for c in table_columns(table)]
    )


def with_column_schema(spec: dg.AssetSpec) -> dg.AssetSpec:
    """Attach the DDL's column schema to a table asset that does not declare its own (SQL models do)."""
    if "dagster/column_schema" in (spec.metadata or {}):
        return spec
    schema = column_schema(".".join(spec.key.path))
    return spec if schema is None else spec.merge_attributes(metadata={"dagster/column_schema": schema})
