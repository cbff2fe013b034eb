"""Every warehouse table's DDL, one file per table: `orderhub/ddl/<schema>/<table>.sql`.

The stem is the table name, as for the table's asset (`assets/<schema>/<table>.py`) and its quality suite
(`quality/suites/<schema>/<table>.py`). The column comments in a DDL file are the column descriptions
operators see in the Dagster UI (`table_columns`), so they are written for the reader of a table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

from orderhub.lake import on_lake

DDL_DIR = Path(__file__).resolve().parent
SCHEMAS = ("raw", "hub", "ops", "inventory", "kpi", "forecast", "stg")
# `name  type ... -- comment`, then comment-only lines that continue it
_COLUMN_LINE = re.compile(r"^\s{2,}([a-z_][a-z0-9_]*)\s+[a-z][^-]*?(?:--\s?(.*))?$")
_ADD_COLUMN = re.compile(r"add column if not exists ([a-z_][a-z0-9_]*) [^;]*;\s*(?:--\s?(.*))?$")
_CONTINUATION = re.compile(r"^\s{8,}--\s?(.*)$")
# a DuckDB-file storage hint a DuckLake refuses; there the lake's Parquet compression applies (lake_layout step)
_KEY = re.compile(r"^-- key: ([a-z_][a-z0-9_]*(?:, [a-z_][a-z0-9_]*)*)", re.MULTILINE)
_FILE_ONLY = re.compile(r"\s+using compression \w+", re.IGNORECASE)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str


def ddl_path(table: str) -> Path:
    schema, name = table.split(".")
    return DDL_DIR / schema / f"{name}.sql"


def tables() -> list[str]:
    """Every table with a DDL file, as 'schema.table', sorted."""
    return sorted(f"{p.parent.name}.{p.stem}" for p in DDL_DIR.glob("*/*.sql"))


def table_key(table: str) -> tuple[str, ...]:
    """The table's unique key as its DDL declares it (`-- key: a, b`), () if it has none. No constraint backs it
    (a DuckLake has none): the code that writes the table MERGEs on it and a blocking key_unique check verifies it."""
    m = _KEY.search(ddl_path(table).read_text(encoding="utf-8"))
    return tuple(m.group(1).split(", ")) if m else ()


def apply_ddl(con: duckdb.DuckDBPyConnection) -> None:
    lake = on_lake(con)
    for schema in SCHEMAS:
        con.execute(f"create schema if not exists {schema}")
    for table in tables():
        text = ddl_path(table).read_text(encoding="utf-8")
        con.execute(_FILE_ONLY.sub("", text) if lake else text)


def _comments(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    last = None
    for line in text.splitlines():
        cont = _CONTINUATION.match(line)
        if cont and last:
            out[last] = f"{out[last]} {cont.group(1).strip()}".strip()
            continue
        hit = _ADD_COLUMN.search(line) or _COLUMN_LINE.match(line)
        last = hit.group(1) if hit else None
        if hit:
            out[last] = (hit.group(2) or "").strip()
    return out


@cache
def table_columns(table: str) -> tuple[Column, ...]:
    """The table's columns as DuckDB builds them from its DDL (names, types), with the DDL's comments."""
    text = ddl_path(table).read_text(encoding="utf-8")
    con = duckdb.connect()
    try:
        con.execute(f"create schema {table.split('.')[0]}")
        con.execute(text)
        rows = con.execute(
            "select column_name, data_type from information_schema.columns where table_schema = ? and table_name = ?"
            " order by ordinal_position",
            table.split("."),
        ).fetchall()
    finally:
        con.close()
    notes = _comments(text)
    return tuple(Column(name, dtype, notes.get(name, "")) for name, dtype in rows)
