"""Today's stock-aware purchase suggestions as rows for purchasing (the XLSX, the notice, the ERP post).

Every SKU whose projected position (on hand + on order - reserved - forecast over lead time + review)
falls below its safety stock is listed, most urgent first (earliest expected stock-out without the
order, then fewest days of cover), with the reason in words and the seed's rule as a `surge` flag.
Inputs are plain frames so the Dagster asset only reads tables and calls `build`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from forecasts import policy, safety

SUGGESTION_COLUMNS = [
    "sku_id", "category", "supplier_id", "forecast_7d", "cover_days", "cover_demand", "safety_stock", "target",
    "on_hand", "reserved", "on_order", "overdue_units", "position", "projected", "days_of_cover", "stockout_date",
    "surge", "min_order_qty", "pack_size", "lead_time_days", "suggested_qty", "reason",
]


@dataclass
class StockAwareRules:
    default_service_level: float = 0.95
    service_level_by_category: dict[str, float] = field(default_factory=dict)
    supplier_lead_time_days: dict[str, int] = field(default_factory=dict)
    sku_lead_time_days: dict[str, int] = field(default_factory=dict)
    review_days: int = 7
    surge_factor: float = policy.SURGE_FACTOR
    pilot_categories: list[str] = field(default_factory=list)


def build(as_of: date, daily: pd.DataFrame, history: np.ndarray, skus: pd.DataFrame, stock: pd.DataFrame,
          supply: pd.DataFrame, rules: StockAwareRules, errors: safety.ErrorModel | None = None,
          lead_sd: pd.DataFrame | None = None) -> pd.DataFrame:
    """daily: sku_id x horizon forecast (index sku_id, columns 1..H); history: daily demand (same SKU order,
    last 56+ days, NaN before launch); skus: hub.skus; stock: sku_id, on_hand, reserved; supply:
    forecasts.supply.supply_by_sku; lead_sd: supplier_id, lead_days_sd (forecasts.supply.supplier_lead_times)."""
    sk = skus.set_index("sku_id").reindex(daily.index)
    lead = (pd.Series(daily.index, index=daily.index).map(rules.sku_lead_time_days)
            .fillna(sk["supplier_id"].map(rules.supplier_lead_time_days)).fillna(sk["lead_time_days"]).fillna(7))
    level = sk["category"].map(rules.service_level_by_category).fillna(rules.default_service_level).to_numpy()
    st = stock.groupby("sku_id")[["on_hand", "reserved"]].sum().reindex(daily.index).fillna(0)
    sup = supply.set_index("sku_id").reindex(daily.index)
    on_order = sup["on_order"].fillna(0).to_numpy(float)
    sd_lead = (sk["supplier_id"].map(lead_sd.set_index("supplier_id")["lead_days_sd"]).fillna(0).to_numpy()
               if lead_sd is not None and len(lead_sd) else 0.0)
    fc = daily.to_numpy(float)
    _, sd, cv = safety.daily_cv(history)
    cover = lead.to_numpy(float) + rules.review_days
    ss = safety.safety_stock(policy.cover_demand(fc, cover), cover, errors, level, sd, cv, sd_lead)
    p = policy.plan(fc, st["on_hand"].to_numpy(float), on_order, st["reserved"].to_numpy(float), lead.to_numpy(),
                    rules.review_days, ss, sk["min_order_qty"].fillna(1).to_numpy(), sk["pack_size"].fillna(1).to_numpy(),
                    rules.surge_factor)
    out = pd.DataFrame({
        "sku_id": daily.index, "category": sk["category"].to_numpy(), "supplier_id": sk["supplier_id"].to_numpy(),
        "forecast_7d": p.forecast_7d, "cover_days": p.cover_days.astype(int), "cover_demand": p.cover_demand,
        "safety_stock": p.safety_stock, "target": p.target, "on_hand": st["on_hand"].to_numpy(np.int64),
        "reserved": st["reserved"].to_numpy(np.int64), "on_order": on_order.astype(np.int64),
        "overdue_units": sup["overdue_units"].fillna(0).to_numpy(np.int64) if "overdue_units" in sup else 0,
        "position": p.position, "projected": p.projected, "days_of_cover": p.days_of_cover,
        "stockout_date": [as_of + timedelta(days=int(d)) if np.isfinite(d) else None for d in p.days_to_stockout],
        "surge": p.surge, "min_order_qty": sk["min_order_qty"].fillna(1).to_numpy(np.int64),
        "pack_size": sk["pack_size"].fillna(1).to_numpy(np.int64), "lead_time_days": lead.to_numpy(np.int64),
        "suggested_qty": p.quantity, "reorder": p.reorder,
    })
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
    surge = (f" Surge: next 7 days {r.forecast_7d:.0f} > {surge_factor:g} x safety stock {r.safety_stock:.0f}."
             if r.surge else "")
    return (f"{cover}; without this order {out}. Over lead time {r.lead_time_days} + review "
            f"{r.cover_days - r.lead_time_days} days the forecast is {r.cover_demand:.0f} units; on hand {r.on_hand}"
            f" - reserved {r.reserved} + on order {r.on_order}{overdue} leaves {r.projected:.0f}, below safety stock "
            f"{r.safety_stock:.0f}. Order up to {r.target:.0f}: {r.suggested_qty} units (MOQ {r.min_order_qty}, pack "
            f"of {r.pack_size}).{surge}")
