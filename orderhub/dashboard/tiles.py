"""KPI tiles: the latest day's figures, each judged against its target (green / amber / red / grey)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from orderhub.dashboard.data import DashboardData

# Amber band: how far past the target still counts as "watch", as a fraction of the target.
AMBER = 0.5


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: float | None
    text: str
    target_text: str
    status: str  # 'good' | 'warn' | 'bad' | 'none'


def _num(value: object) -> float | None:
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def judge(value: float | None, target: float, higher_is_better: bool, amber_width: float) -> str:
    if value is None:
        return "none"
    if (value >= target) if higher_is_better else (value <= target):
        return "good"
    gap = (target - value) if higher_is_better else (value - target)
    return "warn" if gap <= amber_width else "bad"


def tiles(data: DashboardData) -> list[Tile]:
    """Paid orders of the newest day so far, then one tile per KPI from the latest *complete* day that has a
    value for it (error rates need shipped orders, operator figures need WMS events)."""
    day = data.latest_day()
    t = data["targets"].iloc[0] if not data["targets"].empty else None
    if day is None or t is None:
        return [Tile("no_data", "KPIs", None, "no data yet", "run the KPI assets", "none")]
    sla = float(t["sla_target_minutes"])
    err_t = float(t["shipping_error_target_permille"])
    api_t = float(t["api_success_target"])
    prod_t = float(t["productivity_change_target"])
    p90, p90_day = data.latest("p90_minutes_to_task")
    rate, rate_day = data.latest("sla_breach_rate")
    err, err_day = data.latest("shipping_error_permille")
    api, api_day = data.latest("api_success_rate")
    prod, prod_day = data.latest("orders_per_operator_change")
    overall = data.overall
    same_day = overall[overall["order_day"].astype(str).str[:10] == rate_day]["sla_breaches"]
    breaches = _num(same_day.iloc[0]) if len(same_day) else None
    fmt = lambda v, f: "n/a" if v is None else f.format(v)  # noqa: E731
    return [
        Tile(
            "paid_orders",
            f"Paid orders {day['order_day']:%Y-%m-%d}",
            _num(day["paid_orders"]),
            f"{int(day['paid_orders']):,}",
            f"{int(day['orders']):,} orders",
            "none",
        ),
        Tile(
            "p90_minutes_to_task",
            "Paid → task p90",
            p90,
            fmt(p90, "{:.1f} min"),
            f"target ≤ {sla:g} min · {p90_day}",
            judge(p90, sla, False, sla * AMBER),
        ),
        Tile(
            "sla_breach_rate",
            "SLA breaches",
            rate,
            fmt(None if rate is None else rate * 100, "{:.1f} % of paid"),
            f"{'' if breaches is None else f'{int(breaches):,} orders · '}target 0 · {rate_day}",
            judge(rate, 0.0, False, 0.01),
        ),
        Tile(
            "shipping_error_permille",
            "Shipping errors",
            err,
            fmt(err, "{:.2f} ‰"),
            f"target ≤ {err_t:g} ‰ · {err_day}",
            judge(err, err_t, False, err_t * AMBER),
        ),
        Tile(
            "api_success_rate",
            "API success",
            api,
            fmt(None if api is None else api * 100, "{:.2f} %"),
            f"target ≥ {api_t * 100:g} % · {api_day}",
            judge(api, api_t, True, 1 - api_t),
        ),
        Tile(
            "orders_per_operator_change",
            "Orders / operator vs baseline",
            prod,
            fmt(None if prod is None else prod * 100, "{:+.0f} %"),
            f"target ≥ +{prod_t * 100:g} % · {prod_day}",
            judge(prod, prod_t, True, prod_t * AMBER),
        ),
    ]
