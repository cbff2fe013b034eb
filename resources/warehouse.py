"""The DuckDB warehouse as a Dagster resource (one writer at a time: see pipelines.partitions.WAREHOUSE_POOL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb
from pydantic import Field

from orderhub import settings, warehouse


class Warehouse(dg.ConfigurableResource):
    """Path to the warehouse file; defaults to `$ORDERHUB_HOME/warehouse.duckdb`."""

    path: str = Field(default_factory=lambda: str(settings.paths().warehouse))

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = warehouse.connect(self.path)
        try:
            yield con
        finally:
            con.close()


warehouse_resource = Warehouse()
