"""One reconciliation pass over every independent source that is available."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import sqlalchemy as sa

from orderhub.reconcile.compare import Scope, reconcile
from orderhub.reconcile.sources import EXPORT_SHOP, erp_orders, export_orders


@dataclass
class ReconReport:
    by_scope: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def diffs_not_in_flight(self) -> int:
        return sum(r["diffs_not_in_flight"] for r in self.by_scope.values())


def run_reconciliation(
    con: duckdb.DuckDBPyConnection, *, erp_engine: sa.Engine | None, archive: Path | None, since: date | None = None
) -> ReconReport:
    """ERP orders against hub 'erp' orders; archived Tmall-outlet reports against hub tm-outlet orders.

    A source that cannot be read is reported in `problems` (and the check warns), never silently skipped."""
    report = ReconReport()
    checked_at = datetime.now(UTC)  # one instant per run: the run's rows are found by it
    if erp_engine is not None:
        try:
            erp = erp_orders(con, erp_engine, since)
        except Exception as exc:  # noqa: BLE001 - any ERP failure is reported, the exports still run
            report.problems.append(f"erp_db: {type(exc).__name__}: {exc}")
        else:
            for shop in sorted(erp["shop_id"].unique()) or ["erp-wholesale"]:
                scope = Scope("erp_db", "erp", shop, raw_mapping="erp", since=since)
                report.by_scope[f"erp_db:erp:{shop}"] = reconcile(con, erp, scope, checked_at)
    if archive is not None:
        exports, problems = export_orders(con, archive)
        report.problems += [f"export_file: {p}" for p in problems]
        for channel in sorted(exports["channel"].unique()):
            scope = Scope(
                "export_file", channel, EXPORT_SHOP, raw_mapping="taobao_export", since=since, only_source_days=True
            )
            report.by_scope[f"export_file:{channel}:{EXPORT_SHOP}"] = reconcile(con, exports, scope, checked_at)
    return report
