"""The warehouse as a Dagster resource, and the pool every warehouse-writing step runs in."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb
from pydantic import Field

from orderhub import settings, warehouse
from orderhub.transaction import is_retryable
from resources import gate

# Every step that opens the warehouse for writing is in this pool; the instance (cli/instance.py,
# deploy/dagster.yaml) limits how many runs hold it at once: one for a DuckDB file (one writing process), more
# for a lake.
WAREHOUSE_POOL = "duckdb_warehouse"
STEP_RETRIES = 3  # step-level retries on a lake, after the transaction-level ones of orderhub.transaction


class Warehouse(dg.ConfigurableResource):
    """Where the warehouse lives: `duckdb:///PATH` (or a bare path), `ducklake:sqlite:///CATALOG?data=DIR` or
    `ducklake:postgres://USER@HOST:PORT/DB?data=s3://BUCKET/PREFIX` (see orderhub/warehouse.py).

    Empty means ORDERHUB_WAREHOUSE, else `$ORDERHUB_HOME/warehouse.duckdb`, resolved when a run connects (not at
    import), so the same definitions serve any environment.
    """

    path: str = Field(
        default="",
        description="warehouse URL or DuckDB file; empty = ORDERHUB_WAREHOUSE or $ORDERHUB_HOME/warehouse.duckdb",
    )

    @property
    def resolved_path(self) -> str:
        return self.path or settings.warehouse_target()

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one step. On a lake, a unit of work that kept losing its commit to other writers
        (orderhub.transaction.retrying gave up) asks Dagster to run the whole step again, a few times, later."""
        log = _step_log()
        con = warehouse.connect(self.resolved_path, log=log)
        try:
            gate.enforce(con)  # an asset downstream of a held window does not build (resources/gate.py)
            yield con
        except Exception as exc:
            if log is None or not is_retryable(exc):
                raise
            wait = round(random.uniform(5, 15), 1)
            log.warning(f"the step lost its commit to other writers; Dagster runs it again in {wait} s: {exc}")
            raise dg.RetryRequested(max_retries=STEP_RETRIES, seconds_to_wait=wait) from exc
        finally:
            con.close()


def _step_log():
    """The running step's log, so a wait for the busy warehouse file shows in the run's event log."""
    try:
        return dg.OpExecutionContext.get().log
    except dg.DagsterInvariantViolationError:  # outside a step (CLI, tests): orderhub.warehouse's logger
        return None
