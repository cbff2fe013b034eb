"""The dashboard's KPIs as run metadata: numbers for the tiles, markdown tables for the rest.

Returned as {name: (kind, value)} with kind one of "float", "text", "md", "json", so the caller (the
Dagster asset) turns each into its metadata value type without this module knowing Dagster.
"""

from __future__ import annotations

from orderhub.dashboard.data import DashboardData
from orderhub.dashboard.markdown import md_table
from orderhub.dashboard.tiles import tiles

DAILY_COLUMNS = [
    "order_day",
    "orders",
    "paid_orders",
    "p50_minutes_to_task",
    "p90_minutes_to_task",
    "p90_minutes_to_ship",
    "sla_breaches",
    "shipping_error_permille",
    "api_success_rate",
    "orders_per_operator",
    "orders_per_operator_change",
]


def kpi_metadata(data: DashboardData) -> dict[str, tuple[str, object]]:
    meta: dict[str, tuple[str, object]] = {}
    for tile in tiles(data):
        if tile.value is not None:
            meta[f"kpi/{tile.key}"] = ("float", float(tile.value))
        meta[f"kpi/{tile.key}_status"] = ("text", f"{tile.status}: {tile.text} ({tile.target_text})")
    overall = data.overall
    recent = overall.tail(14).iloc[::-1] if not overall.empty else overall
    meta["daily_all_channels"] = ("md", md_table(recent, [c for c in DAILY_COLUMNS if c in recent]))
    meta["backlog"] = ("md", md_table(data["backlog"]))
    meta["stock_outs"] = (
        "md",
        md_table(data["stock_outs"], ["sku_id", "sku_title", "warehouse_id", "available", "units_waiting"], 10)
        if not data["stock_outs"].empty
        else md_table(data["stock_outs"]),
    )
    meta["replenishment_top"] = ("md", md_table(data["replenishment"], limit=10))
    meta["reconciliation"] = ("md", md_table(data["reconciliation"]))
    if data.missing:
        meta["missing_tables"] = ("json", data.missing)
    return meta
