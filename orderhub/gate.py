"""The quality gate across jobs: nothing downstream of a table reads it while a window's latest blocking
check failed there.

Blocking checks stop downstream steps inside one Dagster run; this module makes the verdict outlive the run.
Every check evaluation replaces its (asset, check, window) row in ops.check_results; a window whose latest
blocking result failed is *held*, and every asset downstream of that table refuses to build (whatever job,
schedule, sensor, backfill or CLI started it) until a later evaluation of the same window passes.
Plain SQL on ops tables, so it behaves the same on a DuckDB file or a lake catalog.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from orderhub.settings import BUSINESS_TZ
from orderhub.transaction import transaction

WHOLE_TABLE = "all"


@dataclass(frozen=True)
class CheckRow:
    asset: str
    check_name: str
    window_key: str
    is_blocking: bool
    is_passed: bool
    failing_count: int
    summary: str | None
    checked_at: datetime
    run_id: str | None = None
    job_name: str | None = None


@dataclass(frozen=True)
class Held:
    asset: str
    window_key: str
    check_name: str
    failing_count: int
    checked_at: datetime
    run_id: str | None

    def __str__(self) -> str:
        at = self.checked_at.astimezone(ZoneInfo(BUSINESS_TZ)).strftime("%Y-%m-%d %H:%M")
        window = "the whole table" if self.window_key == WHOLE_TABLE else f"window {self.window_key}"
        return (
            f"{self.asset} {window}: blocking check `{self.check_name}` failed "
            f"({self.failing_count} failing, checked {at} Beijing time)"
        )


COLUMNS = (
    "asset",
    "check_name",
    "window_key",
    "is_blocking",
    "is_passed",
    "failing_count",
    "summary",
    "run_id",
    "job_name",
    "checked_at",
)


def record(
    con: duckdb.DuckDBPyConnection,
    rows: Sequence[CheckRow],
    *,
    keep_only: Sequence[str] | None = None,
    in_transaction: bool = True,
) -> None:
    """Replace the latest result of each (asset, check, window) in `rows`, all at once. `keep_only`: the
    checks the asset has today; results of checks since removed are dropped, so they cannot hold forever."""
    if not rows:
        return
    values = [[getattr(r, c) for c in COLUMNS] for r in rows]
    cols = ", ".join(COLUMNS)
    assets = sorted({r.asset for r in rows})

    def _write() -> None:
        if keep_only is not None:
            con.execute(
                "delete from ops.check_results where list_contains(?::varchar[], asset) "
                "and not list_contains(?::varchar[], check_name)",
                [assets, list(keep_only)],
            )
        frame = pd.DataFrame(values, columns=list(COLUMNS))  # one vectorized insert, not a statement per row
        con.register("_check_frame", frame)
        con.execute(
            "create or replace temp table _check_rows as select * from ops.check_results limit 0;"
            f"insert into _check_rows ({cols}) select {cols} from _check_frame"
        )
        con.unregister("_check_frame")
        con.execute(
            "delete from ops.check_results r using _check_rows n where r.asset = n.asset "
            "and r.check_name = n.check_name and r.window_key = n.window_key"
        )
        con.execute(f"insert into ops.check_results ({cols}) select {cols} from _check_rows")
        con.execute("drop table _check_rows")

    if in_transaction:
        with transaction(con):
            _write()
    else:
        _write()


def held(con: duckdb.DuckDBPyConnection, assets: Iterable[str] | None = None) -> list[Held]:
    """Windows whose latest blocking check failed, for `assets` (every table when None), oldest first."""
    wanted = sorted(set(assets)) if assets is not None else None
    if wanted == []:
        return []
    rows = con.execute(
        "select asset, window_key, check_name, failing_count, checked_at, run_id from ops.check_results "
        "where is_blocking and not is_passed and (?::varchar[] is null or list_contains(?::varchar[], asset)) "
        "order by asset, window_key, check_name",
        [wanted, wanted],
    ).fetchall()
    return [Held(*r) for r in rows]


def describe(holds: Sequence[Held], limit: int = 10) -> str:
    lines = [f"- {h}" for h in holds[:limit]]
    if len(holds) > limit:
        lines.append(f"- … and {len(holds) - limit} more (ops.check_results)")
    return "\n".join(lines)
