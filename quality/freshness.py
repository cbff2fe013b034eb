"""Freshness policies (Dagster 1.13 `FreshnessPolicy`) for the assets operators rely on being current.

pipelines/definitions.py applies `policy_for(key)` once to every asset (an asset's own policy wins).
The `freshness_alerts` sensor (pipelines/alerts.py) turns breaches into alerts.
"""

from __future__ import annotations

from datetime import timedelta

import dagster as dg

FRESHNESS: dict[str, dg.FreshnessPolicy] = {
    # Orders are pulled every few minutes; an hour without a hub update means connectors are stuck.
    "hub_orders": dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=2), warn_window=timedelta(hours=1)),
    # Stock pushed to channels from an old snapshot oversells.
    "inventory": dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=2), warn_window=timedelta(minutes=45)),
    # KPI marts refresh at least daily (morning report); warn if yesterday's refresh was missed.
    "kpi": dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=26), warn_window=timedelta(hours=13)),
    # Forecasts and replenishment suggestions run daily.
    "forecast": dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=30)),
}

# Which policy each table gets (schema-wide defaults, specific tables first).
BY_TABLE: dict[str, str] = {
    "hub.orders": "hub_orders",
    "hub.order_lines": "hub_orders",
    "inventory.stock_snapshot": "inventory",
    "inventory.availability": "inventory",
    "inventory.reservations": "inventory",
    "forecast.demand_7d": "forecast",
    "forecast.replenishment_suggestions": "forecast",
}
BY_SCHEMA: dict[str, str] = {"kpi": "kpi"}


def policy_for(key: dg.AssetKey) -> dg.FreshnessPolicy | None:
    table = ".".join(key.path)
    name = BY_TABLE.get(table) or BY_SCHEMA.get(key.path[0])
    return FRESHNESS.get(name) if name else None
