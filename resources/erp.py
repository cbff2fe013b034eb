"""Bridge to the seller's legacy ERP, which only offers database access (no API).

The ERP flags every inserted or changed sales order with `so_header.is_synced = 0`. The bridge polls those
rows in batches; the caller lands them and only *after* its landing commit calls `mark_synced`, which sets
`is_synced = 1` only where the row is still exactly as it was read. A crash between landing and marking
re-delivers the batch (raw landing dedupes it by content hash); an ERP update between reading and marking
leaves the row unsynced so its new version is delivered next time.

Environment: ``ORDERHUB_ERP_URL`` (SQLAlchemy URL, e.g. ``mssql+pyodbc://...`` or
``mysql+pymysql://user:pw@host/erp``), default ``sqlite:///$ORDERHUB_HOME/erp/legacy_erp.sqlite`` (the
simulator's ERP database).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import dagster as dg
import pandas as pd
import sqlalchemy as sa
from pydantic import Field

from orderhub import settings

HEADER_TABLE, LINE_TABLE = "so_header", "so_line"
# Columns that describe the row's state and are compared (null-safe) before marking it synced.
_NOT_COMPARED = {"is_synced", "lines"}


class ErpUnavailable(RuntimeError):
    """The ERP database cannot be reached or is not the expected legacy schema."""


def default_erp_url() -> str:
    return f"sqlite:///{settings.paths().erp_db}"


@lru_cache(maxsize=8)
def _engine(url: str) -> sa.Engine:
    # The ERP keeps writing while we read: wait on its SQLite write lock instead of failing at once.
    connect_args = {"timeout": 30} if url.startswith("sqlite") else {}
    return sa.create_engine(url, connect_args=connect_args, pool_pre_ping=True)


class ErpBridge(dg.ConfigurableResource):
    """The legacy ERP database: unsynced sales orders (so_header + so_line), item master and channel SKU map."""

    url: str = Field(
        default="",
        description="SQLAlchemy URL of the ERP database; empty = the simulator's "
        "SQLite file under $ORDERHUB_HOME (resolved when a run connects)",
    )
    batch_size: int = 500

    @property
    def resolved_url(self) -> str:
        return self.url or default_erp_url()

    def engine(self) -> sa.Engine:
        url = self.resolved_url
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            if not path.exists():
                raise ErpUnavailable(f"ERP database not found at {path} (set ORDERHUB_ERP_URL)")
        return _engine(url)

    def poll(self) -> list[dict]:
        """Up to `batch_size` unsynced orders, oldest update first: header columns + "lines": [so_line rows]."""
        with self.engine().connect() as con:
            headers = [
                dict(r._mapping)
                for r in con.execute(
                    sa.text(f"select * from {HEADER_TABLE} where is_synced = 0 order by update_time, id limit :n"),
                    {"n": self.batch_size},
                )
            ]
            if not headers:
                return []
            lines_query = sa.text(f"select * from {LINE_TABLE} where order_no in :order_nos order by order_no, line_no")
            lines_query = lines_query.bindparams(sa.bindparam("order_nos", expanding=True))
            by_order: dict[str, list[dict]] = {}
            for row in con.execute(lines_query, {"order_nos": [h["order_no"] for h in headers]}):
                line = dict(row._mapping)
                by_order.setdefault(line["order_no"], []).append(line)
        return [{**h, "lines": by_order.get(h["order_no"], [])} for h in headers]

    def mark_synced(self, rows: list[dict]) -> int:
        """Set is_synced = 1 for the polled rows that are unchanged since they were read; one transaction.

        Call only after the rows are durably landed. Returns how many rows were marked; the others changed
        in the ERP meanwhile (or were already marked) and will be polled again."""
        if not rows:
            return 0
        engine = self.engine()
        header = sa.Table(HEADER_TABLE, sa.MetaData(), autoload_with=engine)
        compared = [c for c in header.columns if c.name in rows[0] and c.name not in _NOT_COMPARED and c.name != "id"]
        stmt = (
            sa.update(header)
            .where(
                header.c.id == sa.bindparam("_id"),
                header.c.is_synced == 0,
                *[c.is_not_distinct_from(sa.bindparam(f"_{c.name}")) for c in compared],
            )
            .values(is_synced=1)
        )
        params = [{"_id": r["id"], **{f"_{c.name}": r.get(c.name) for c in compared}} for r in rows]
        with engine.begin() as con:
            return sum(con.execute(stmt, p).rowcount for p in params)

    def read_items(self) -> pd.DataFrame:
        """The seller's item master (erp_items) as stored: sku_code, title, category, price_yuan, ..."""
        return self._read_table("erp_items")

    def read_channel_skus(self) -> pd.DataFrame:
        """Channel SKU -> ERP sku_code map (erp_channel_skus: channel, channel_sku, sku_code)."""
        return self._read_table("erp_channel_skus")

    def _read_table(self, table: str) -> pd.DataFrame:
        with self.engine().connect() as con:
            return pd.read_sql(sa.text(f"select * from {table}"), con)
