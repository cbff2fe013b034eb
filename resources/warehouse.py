"""The DuckDB warehouse as a Dagster resource, and the pool every warehouse-writing step runs in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb
from pydantic import Field

from orderhub import settings, warehouse

# DuckDB allows one writing process: every step that opens the warehouse for writing is in this pool, and the
# instance (cli/instance.py, deploy/dagster.yaml) limits it to one run at a time.
WAREHOUSE_POOL = "duckdb_warehouse"


class Warehouse(dg.ConfigurableResource):
    """Where the warehouse lives: a file path or any DuckDB database string (e.g. MotherDuck `md:orderhub`).

    Empty means `$ORDERHUB_HOME/warehouse.duckdb`, resolved when a run connects (not at import), so the
    same definitions serve any ORDERHUB_HOME.
    """

    path: str = Field(default="", description="DuckDB database; empty = $ORDERHUB_HOME/warehouse.duckdb")

    @property
    def resolved_path(self) -> str:
        return self.path or str(settings.paths().warehouse)

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = warehouse.connect(self.resolved_path, log=_step_log())
        try:
            yield con
        finally:
            con.close()


def _step_log():
    """The running step's log, so a wait for the busy warehouse file shows in the run's event log."""
    try:
        return dg.OpExecutionContext.get().log
    except dg.DagsterInvariantViolationError:  # outside a step (CLI, tests): orderhub.warehouse's logger
        return None
