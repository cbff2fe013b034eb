"""`orderhub publish`: republish the analysts' read-only copy now."""

from __future__ import annotations

import sys

import click

from cli.env import prepare
from cli.runs import console, exit_code, one_command_at_a_time, report, run_job


@click.command()
def publish() -> None:
    """Checkpoint the warehouse and atomically replace $ORDERHUB_HOME/warehouse_ro.duckdb, the copy analysts
    query (runs publish_readonly_job through the Dagster instance). While a window's latest blocking check
    failed, the copy keeps its last good state and this exits with 3 (`orderhub status` shows the window)."""
    import dagster as dg

    from resources.gate import HELD_TAG

    paths = prepare()
    with one_command_at_a_time("publish"):
        outcome = run_job("publish_readonly_job", title="publish the analysts' copy")
    held = dg.DagsterInstance.get().get_run_by_id(outcome.run_id).tags.get(HELD_TAG)
    if outcome.success and held:
        console.print(f"[yellow]✗[/] the analysts' copy keeps its last good state: {held} is held (orderhub status)")
        sys.exit(3)
    report(outcome, what=f"published {paths.warehouse_readonly}")
    sys.exit(exit_code(outcome))
