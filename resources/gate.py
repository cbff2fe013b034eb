"""The quality gate inside Dagster: an asset downstream of a table whose latest blocking check failed on some
window does not build, whichever job, schedule, sensor, backfill or CLI run asked for it.

pipelines/definitions.py writes, into every asset's metadata (`orderhub/gated_by`), the upstream tables with
blocking checks; `Warehouse.connect()` calls `enforce(con)` for the asset step being executed. A held step
fails with the windows that hold it (the run says which window held it back), the run is tagged
`orderhub/held_by`, and the `resume_held_work` sensor re-runs it once those windows pass.
"""

from __future__ import annotations

import dagster as dg
import duckdb

from orderhub import gate

GATED_BY = "orderhub/gated_by"
HELD_TAG = "orderhub/held_by"


class HeldBack(dg.Failure):
    """Raised instead of building: the inputs include a window whose latest blocking check failed."""


def _current_asset_context() -> dg.AssetExecutionContext | None:
    from dagster._core.execution.context.compute import current_execution_context

    ctx = current_execution_context.get()
    if not isinstance(ctx, dg.AssetExecutionContext) or not ctx.op_execution_context.has_assets_def:
        return None  # checks and plain ops (e.g. publish, which checks the gate itself) are not gated here
    return ctx


def gated_tables(context: dg.AssetExecutionContext) -> set[str]:
    tables: set[str] = set()
    specs = context.assets_def.specs_by_key
    for key in context.selected_asset_keys:
        value = (specs[key].metadata or {}).get(GATED_BY) if key in specs else None
        value = getattr(value, "value", value) or []
        tables.update(value)
    return tables


def enforce(con: duckdb.DuckDBPyConnection) -> None:
    """Raise HeldBack when the asset step being executed reads a held window (no-op outside an asset step)."""
    context = _current_asset_context()
    if context is None:
        return
    tables = gated_tables(context)
    holds = gate.held(con, tables) if tables else []
    if not holds:
        return
    first = holds[0]
    try:  # visible on the run in the UI and used by the resume sensor
        context.instance.add_run_tags(context.run_id, {HELD_TAG: f"{first.asset}:{first.window_key}"})
    except Exception as exc:  # noqa: BLE001 - the tag is a convenience; the failure below says everything
        context.log.warning(f"could not tag the run as held: {exc}")
    assets = ", ".join(sorted(".".join(k.path) for k in context.selected_asset_keys))
    raise HeldBack(
        description=f"Held back by the quality gate: {assets} would read {len(holds)} window(s) whose latest "
        f"blocking check failed:\n{gate.describe(holds)}\nIt builds again by itself once those windows pass "
        "(fix the data or the mapping, then rebuild the window).",
        metadata={
            "held_by": dg.MetadataValue.json(
                [{"asset": h.asset, "window": h.window_key, "check": h.check_name} for h in holds[:50]]
            )
        },
        allow_retries=False,
    )
