"""The protected store: token -> personal value, in a database of its own that the analysts' view never opens.

ORDERHUB_PERSONAL_STORE takes the same forms as ORDERHUB_WAREHOUSE; by default it sits beside the warehouse:
- warehouse `duckdb:///DIR/x.duckdb`                   -> `DIR/protected/personal.duckdb`
- warehouse `ducklake:sqlite:///DIR/c.sqlite?data=D`   -> `ducklake:sqlite:///DIR/protected/personal.sqlite?data=DIR/protected/data`
- warehouse `ducklake:postgres://…/db?data=P`          -> the same database, catalog schema `orderhub_personal`, data
                                                          `P` + `_personal/` (give it a database, bucket and
                                                          credentials of its own in production: deploy/README.md)
Only the pipeline's writers attach it (as `personal`), to add values at landing; re-identification is for the
pipeline and the operators who hold its credentials (`lookup`).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from orderhub import lake
from orderhub.transaction import in_transaction, retrying

ALIAS = "personal"
TABLE = f"{ALIAS}.pii.personal_values"
DDL = f"""create schema if not exists {ALIAS}.pii;
create table if not exists {TABLE} (
    token          varchar not null,   -- 'pii:<kind>:<20 hex>': keyed hash of (kind, value)
    kind           varchar not null,   -- name | phone | address | account | message | email | id_number
    value          varchar not null,   -- the personal value as received
    mapping        varchar not null,   -- the mapping whose records carried it first
    first_seen_at  timestamptz not null
)"""


def _beside(kind: str, where: str, data_path: str | None) -> str:
    """The default store for a warehouse of `kind` ('ducklake' or a file) at `where` (module docstring)."""
    if kind != "ducklake":
        return (
            ":memory:"
            if where in ("", ":memory:")
            else str(Path(where).resolve().parent / "protected" / "personal.duckdb")
        )
    catalog_kind, _, catalog = where.partition(":")
    if catalog_kind == "sqlite":
        base = Path(catalog).parent / "protected"
        return f"ducklake:sqlite://{base}/personal.sqlite?data={base}/data"
    personal_data = (data_path or "").rstrip("/") + "_personal"
    return f"ducklake:postgres://{catalog.split('://', 1)[1]}?schema=orderhub_personal&data={personal_data}"


def target(con: duckdb.DuckDBPyConnection | None = None) -> str:
    """ORDERHUB_PERSONAL_STORE, else beside the warehouse: the one `con` is connected to, or (no `con`) the one
    ORDERHUB_WAREHOUSE names."""
    explicit = os.environ.get("ORDERHUB_PERSONAL_STORE")
    if explicit:
        return explicit
    if con is None:
        from orderhub import settings

        where = settings.warehouse_target()
        if not lake.is_lake(where):
            return _beside("file", where.removeprefix("duckdb://"), None)
        url = lake.parse(where)
        return _beside("ducklake", f"{url.catalog_kind}:{url.catalog}", url.data_path)
    kind, path = con.execute(
        "select type, path from duckdb_databases() where database_name = current_database()"
    ).fetchone()
    data = None
    if kind == "ducklake" and not path.startswith("sqlite:"):
        (data,) = con.execute(f"select value from {lake.ALIAS}.options() where option_name = 'data_path'").fetchone()
    return _beside(kind, path or "", data)


def attached(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("select count(*) from duckdb_databases() where database_name = ?", [ALIAS]).fetchone()[0])


def attach(con: duckdb.DuckDBPyConnection, read_only: bool = False, where: str | None = None) -> bool:
    """Attach the store to `con` as `personal`: a writer creates it on first use (its folder readable by the
    pipeline's user alone); a reader (the PII scan) gets False when there is none yet."""
    if attached(con):
        return True
    where = where or target(con)
    if lake.is_lake(where):
        url = lake.parse(where)
        if url.catalog_kind == "sqlite":
            if read_only and not Path(url.catalog).exists():
                return False
            Path(url.catalog).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        lake.attach(con, url, ALIAS, read_only=read_only)
    else:
        if where != ":memory:":
            if read_only and not Path(where).exists():
                return False
            Path(where).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        con.execute(f"attach '{where}' as {ALIAS}" + (" (read_only)" if read_only else ""))
    if not read_only:
        retrying(con, lambda c: c.execute(DDL), what="protected store schema")
    return True


def write(con: duckdb.DuckDBPyConnection, values: str, mapping: str) -> int:
    """Add the (token, kind, value) rows of temp table `values` the store does not hold yet; returns how many.
    Its own transaction (a DuckDB transaction writes one database): the values are stored before the records
    that carry their tokens, so raw never holds a token the store cannot resolve."""
    if in_transaction(con):
        raise RuntimeError("personal values are written before the landing transaction, never inside it")
    attach(con)

    def add(c: duckdb.DuckDBPyConnection) -> int:
        return c.execute(
            f"""insert into {TABLE}
                select token, any_value(kind), any_value(value), ?, now() from {values}
                where token not in (select token from {TABLE}) group by token""",
            [mapping],
        ).fetchone()[0]

    return retrying(con, add, what="protected store")


def lookup(con: duckdb.DuckDBPyConnection, tokens: list[str]) -> dict[str, str]:
    """token -> value, for the pipeline (e.g. a waybill printed for a parcel) and operators with its credentials."""
    attach(con)
    rows = con.execute(
        f"select token, any_value(value) from {TABLE} where list_contains(?, token) group by token", [tokens]
    ).fetchall()
    return dict(rows)


def values(con: duckdb.DuckDBPyConnection) -> list[str] | None:
    """Every personal value the store holds (for the PII scan); None when there is no store to read."""
    if not attach(con, read_only=True, where=target()):
        return None
    return [r[0] for r in con.execute(f"select distinct value from {TABLE}").fetchall()]
