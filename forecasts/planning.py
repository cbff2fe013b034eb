"""forecast.safety_stock rows: per SKU its lead time, cover (lead time + review period), the forecast planned with
over the cover (the model's, blended with the 28-day mean at `forecast_weight`: forecasts.order_level) and the
safety stock OrderHub plans with (forecasts.safety.estimate, the same code the closed loop runs).

Lead time per SKU: `sku_lead_time_days`, else `supplier_lead_time_days`, else hub.skus. Service level per
category (default 0.975), a fill-rate target (share of demanded units served from stock) unless
`service_measure` is 'cycle' (share of review cycles without a stock-out). The supplier's delivery spread (sd
of received - ordered, in days, from the goods receipts) is the lead-time variability term.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecasts import order_level, safety
from forecasts.features import DemandMatrix
from forecasts.policy import cover_demand

COLUMNS = [
    "sku_id",
    "category",
    "supplier_id",
    "service_level",
    "z",
    "lead_time_days",
    "review_days",
    "cover_days",
    "cover_demand",
    "daily_mean",
    "daily_sd",
    "lead_days_sd",
    "method",
    "cover_dispersion",
    "error_quantile",
    "error_pairs",
    "forecast_weight",
    "mean_28d",
    "forecast_share",
    "safety_stock",
]


@dataclass
class PlanningRules:
    default_service_level: float = 0.975
    service_level_by_category: dict[str, float] = field(default_factory=dict)
    supplier_lead_time_days: dict[str, int] = field(default_factory=dict)
    sku_lead_time_days: dict[str, int] = field(default_factory=dict)
    review_days: int = 7
    error_reviews: int = 26  # past forecast origins whose errors size the safety stock
    service_measure: str = "fill_rate"  # the service levels are fill-rate targets, or cycle levels ('cycle')


def lead_times(skus: pd.DataFrame, rules: PlanningRules) -> pd.Series:
    """Lead time in days per SKU (index sku_id): SKU override, else supplier override, else the master, else 7."""
    sk = skus.set_index("sku_id")
    by_sku = pd.Series(sk.index, index=sk.index).map(rules.sku_lead_time_days)
    by_supplier = sk["supplier_id"].map(rules.supplier_lead_time_days)
    return by_sku.fillna(by_supplier).fillna(sk["lead_time_days"]).fillna(7).astype(int)


def longest_cover(skus: pd.DataFrame, rules: PlanningRules) -> int:
    lead = lead_times(skus, rules)
    return int(lead.max() if len(lead) else 7) + rules.review_days


def safety_rows(
    m: DemandMatrix,
    daily: np.ndarray,
    book: dict[int, np.ndarray],
    skus: pd.DataFrame,
    rules: PlanningRules,
    lead_stats: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per SKU that sells and is in the master. `daily`: today's forecast (n_sku of m, horizon), NaN
    rows for SKUs without one; `book`: past forecasts by origin day index; `lead_stats`: supplier_id,
    lead_days_sd (forecasts.supply.supplier_lead_times)."""
    sk = skus.set_index("sku_id").reindex(m.skus)
    known = sk["category"].notna().to_numpy() & np.isfinite(daily[:, 0])
    lead = lead_times(skus, rules).reindex(m.skus).fillna(7).to_numpy(float)
    cover = lead + rules.review_days
    level = sk["category"].map(rules.service_level_by_category).fillna(rules.default_service_level).to_numpy()
    spread = (
        sk["supplier_id"].map(lead_stats.set_index("supplier_id")["lead_days_sd"]).fillna(0).to_numpy(float)
        if lead_stats is not None and len(lead_stats)
        else np.zeros(len(m.skus))
    )
    fc = np.nan_to_num(daily)
    est = safety.estimate(m.Y, fc, book, cover, level, spread, rules.error_reviews, lead, rules.service_measure)
    mean, sd, _ = safety.daily_cv(m.Y)
    out = pd.DataFrame(
        {
            "sku_id": m.skus,
            "category": sk["category"].to_numpy(),
            "supplier_id": sk["supplier_id"].to_numpy(),
            "service_level": level,
            "z": safety.z_of(level),
            "lead_time_days": lead.astype(int),
            "review_days": rules.review_days,
            "cover_days": cover.astype(int),
            "cover_demand": cover_demand(est.forecast, cover),
            "daily_mean": mean,
            "daily_sd": sd,
            "lead_days_sd": spread,
            "method": est.method,
            "cover_dispersion": est.dispersion,
            "error_quantile": est.quantile,
            "error_pairs": est.pairs,
            "forecast_weight": est.weight,
            "mean_28d": order_level.moving_mean(m.Y),
            "forecast_share": est.share,
            "safety_stock": est.safety_stock,
        }
    )
    return out[known][COLUMNS].reset_index(drop=True)
