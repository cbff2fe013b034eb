"""Today's stock-aware purchase suggestions as rows for purchasing (the XLSX, the notice, the ERP post).

Every SKU whose projected position (on hand + on order - reserved - forecast over lead time + review)
falls below its safety stock is listed, most urgent first (earliest expected stock-out without the
order, then fewest days of cover), with the reason in words and the seed's rule as a `surge` flag.
Inputs are plain frames (the safety stock per SKU comes from forecasts.planning) so the Dagster asset
only reads tables and calls `build`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from forecasts import policy

SUGGESTION_COLUMNS = [
    "sku_id",
    "category",
    "supplier_id",
    "forecast_7d",
    "forecast_7d_lower",
    "forecast_7d_upper",
    "safety_stock",
    "trigger_level",
    "lead_time_days",
    "review_days",
    "demand_over_cover",
    "on_hand",
    "reserved",
    "available",
    "on_order",
    "overdue_units",
    "position",
    "projected",
    "target",
    "net_need",
    "days_of_cover",
    "stockout_date",
    "surge",
    "min_order_qty",
    "pack_size",
    "suggested_qty",
    "reason",
]


@dataclass
class SuggestionRules:
    surge_factor: float = policy.SURGE_FACTOR
    pilot_categories: list[str] = field(default_factory=list)  # empty = every category


def build(
    as_of: date,
    daily: pd.DataFrame,
    safety: pd.DataFrame,
    skus: pd.DataFrame,
    stock: pd.DataFrame,
    supply: pd.DataFrame,
    rules: SuggestionRules,
    week: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """daily: today's forecast, index sku_id, columns 1..H (units per day after `as_of`); safety:
    forecast.safety_stock rows (sku_id, safety_stock, lead_time_days, review_days, forecast_weight, mean_28d);
    skus: hub.skus; stock: sku_id, on_hand, reserved (summed over warehouses); supply:
    forecasts.supply.supply_by_sku; week: sku_id, total_7d_lower, total_7d_upper (forecast.demand_7d), shown beside
    the 7-day forecast."""
    ss = safety.set_index("sku_id")
    ss = ss[ss.index.isin(daily.index)]
    sk = skus.set_index("sku_id").reindex(ss.index)
    # the forecast the safety stock was sized for: the model's blended with the 28-day mean (forecasts.order_level)
    w = ss.get("forecast_weight", pd.Series(1.0, index=ss.index)).fillna(1.0).to_numpy(float)[:, None]
    mean = ss.get("mean_28d", pd.Series(0.0, index=ss.index)).fillna(0.0).to_numpy(float)[:, None]
    model = daily.reindex(ss.index).to_numpy(float)
    fc = w * model + (1 - w) * mean
    st = stock.groupby("sku_id")[["on_hand", "reserved"]].sum().reindex(ss.index).fillna(0)
    sup = supply.set_index("sku_id").reindex(ss.index)
    on_order = sup["on_order"].fillna(0).to_numpy(float)
    review = int(ss["review_days"].iloc[0]) if len(ss) else 7
    p = policy.plan(
        fc,
        st["on_hand"].to_numpy(float),
        on_order,
        st["reserved"].to_numpy(float),
        ss["lead_time_days"].to_numpy(float),
        review,
        ss["safety_stock"].to_numpy(float),
        sk["min_order_qty"].fillna(1).to_numpy(),
        sk["pack_size"].fillna(1).to_numpy(),
        rules.surge_factor,
    )
    bounds = (week if week is not None else pd.DataFrame(columns=["sku_id"])).groupby("sku_id").first()
    out = pd.DataFrame(
        {
            "sku_id": ss.index,
            "category": sk["category"].to_numpy(),
            "supplier_id": sk["supplier_id"].to_numpy(),
            "forecast_7d": model[:, :7].sum(axis=1),  # the model's, as its range beside it and the surge rule
            "forecast_7d_lower": bounds.get("total_7d_lower", pd.Series(dtype=float)).reindex(ss.index).to_numpy(),
            "forecast_7d_upper": bounds.get("total_7d_upper", pd.Series(dtype=float)).reindex(ss.index).to_numpy(),
            "safety_stock": p.safety_stock,
            "trigger_level": rules.surge_factor * p.safety_stock,
            "lead_time_days": ss["lead_time_days"].to_numpy(np.int64),
            "review_days": review,
            "demand_over_cover": p.cover_demand,
            "on_hand": st["on_hand"].to_numpy(np.int64),
            "reserved": st["reserved"].to_numpy(np.int64),
            "available": (st["on_hand"] - st["reserved"]).to_numpy(np.int64),
            "on_order": on_order.astype(np.int64),
            "overdue_units": sup["overdue_units"].fillna(0).to_numpy(np.int64) if "overdue_units" in sup else 0,
            "position": p.position,
            "projected": p.projected,
            "target": p.target,
            "net_need": p.target - p.position,
            "days_of_cover": p.days_of_cover,
            "stockout_date": [as_of + timedelta(days=int(d)) if np.isfinite(d) else None for d in p.days_to_stockout],
            "surge": model[:, :7].sum(axis=1) > rules.surge_factor * p.safety_stock,
            "min_order_qty": sk["min_order_qty"].fillna(1).to_numpy(np.int64),
            "pack_size": sk["pack_size"].fillna(1).to_numpy(np.int64),
            "suggested_qty": p.quantity,
            "reorder": p.reorder,
        }
    )
    out["forecast_7d_lower"] = out["forecast_7d_lower"].fillna(out["forecast_7d"]).clip(upper=out["forecast_7d"])
    out["forecast_7d_upper"] = out["forecast_7d_upper"].fillna(out["forecast_7d"]).clip(lower=out["forecast_7d"])
    if rules.pilot_categories:
        out = out[out["category"].isin(rules.pilot_categories)]
    out = out[out["reorder"]].copy()
    out["reason"] = [reason(r, rules.surge_factor) for r in out.itertuples()]  # words, one per suggested row
    out["_out"] = pd.to_datetime(out["stockout_date"])
    out = out.sort_values(["_out", "days_of_cover", "sku_id"], na_position="last")
    return out[SUGGESTION_COLUMNS].reset_index(drop=True)


def reason(r, surge_factor: float) -> str:
    out = "no stock-out expected" if r.stockout_date is None else f"expected to run out on {r.stockout_date}"
    cover = "no sellable stock" if r.days_of_cover <= 0 else f"stock covers {r.days_of_cover:.0f} days"
    overdue = f" ({r.overdue_units} of them overdue)" if r.overdue_units else ""
    surge = (
        f" Surge: next 7 days {r.forecast_7d:.0f} > {surge_factor:g} x safety stock {r.safety_stock:.0f}."
        if r.surge
        else ""
    )
    return (
        f"{cover}; without this order {out}. Over lead time {r.lead_time_days} + review "
        f"{r.review_days} days the forecast is {r.demand_over_cover:.0f} units; on hand {r.on_hand}"
        f" - reserved {r.reserved} + on order {r.on_order}{overdue} leaves {r.projected:.0f}, below safety stock "
        f"{r.safety_stock:.0f}. Order up to {r.target:.0f}: {r.suggested_qty} units (MOQ {r.min_order_qty}, pack "
        f"of {r.pack_size}).{surge}"
    )
