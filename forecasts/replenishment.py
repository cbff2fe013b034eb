"""Safety stock and purchase suggestions (pure pandas; the asset feeds it tables).

Safety stock (periodic review, order-up-to): SS = z(service level of the SKU's category) x sigma_d x
sqrt(L + R), sigma_d = standard deviation of daily demand over the last `variability_days` (zero days
included), L = lead time in days (hub.skus per SKU, overridden per supplier, then per SKU, by config),
R = review period (we suggest once per `review_days`).

A SKU is suggested when its 7-day forecast > `trigger_factor` x SS (the business rule, factor 1.5) and
the pilot scope includes its category. Quantity:
    need = forecast daily rate x (L + R) + SS - available - on order
    qty  = ceil(max(need, MOQ) / pack size) x pack size     (nothing when need <= 0)
"Forecast daily rate" is the 7-day forecast / 7 (demand beyond the 7-day horizon is assumed flat).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np
import pandas as pd


@dataclass
class ReplenishmentRules:
    default_service_level: float = 0.95
    service_level_by_category: dict[str, float] = field(default_factory=dict)
    supplier_lead_time_days: dict[str, int] = field(default_factory=dict)
    sku_lead_time_days: dict[str, int] = field(default_factory=dict)
    review_days: int = 7
    variability_days: int = 56
    trigger_factor: float = 1.5
    pilot_categories: list[str] = field(default_factory=list)  # empty = every category


SAFETY_COLUMNS = [
    "sku_id",
    "category",
    "supplier_id",
    "service_level",
    "z",
    "lead_time_days",
    "review_days",
    "daily_mean",
    "daily_sd",
    "safety_stock",
]


def safety_stock(daily: pd.DataFrame, skus: pd.DataFrame, rules: ReplenishmentRules, as_of) -> pd.DataFrame:
    """daily: sku_id, demand_date, units (zero days filled); skus: hub.skus columns."""
    as_of = pd.Timestamp(as_of)
    start = as_of - pd.Timedelta(days=rules.variability_days - 1)
    d = daily.assign(demand_date=pd.to_datetime(daily["demand_date"]))
    recent = d[(d["demand_date"] >= start) & (d["demand_date"] <= as_of)]
    stats = recent.groupby("sku_id")["units"].agg(daily_mean="mean", daily_sd=lambda s: s.std(ddof=0))
    out = skus[["sku_id", "category", "supplier_id", "lead_time_days"]].merge(stats, on="sku_id", how="inner")
    sup = out["supplier_id"].map(rules.supplier_lead_time_days)
    sku = out["sku_id"].map(rules.sku_lead_time_days)
    out["lead_time_days"] = sku.fillna(sup).fillna(out["lead_time_days"]).astype(int)
    out["service_level"] = out["category"].map(rules.service_level_by_category).fillna(rules.default_service_level)
    if not out["service_level"].between(0.5, 0.9999).all():
        raise ValueError("service levels must be between 0.5 and 0.9999")
    out["z"] = out["service_level"].map(NormalDist().inv_cdf)
    out["review_days"] = rules.review_days
    out["safety_stock"] = out["z"] * out["daily_sd"] * np.sqrt(out["lead_time_days"] + rules.review_days)
    return out[SAFETY_COLUMNS].reset_index(drop=True)


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
    "available",
    "on_order",
    "net_need",
    "min_order_qty",
    "pack_size",
    "suggested_qty",
    "reason",
]


def round_order(need: pd.Series, moq: pd.Series, pack: pd.Series) -> pd.Series:
    """Smallest multiple of the pack size that is >= max(need, MOQ); 0 when nothing is needed."""
    pack = pack.clip(lower=1)
    base = np.maximum(need, moq)
    qty = np.ceil(np.round(base / pack, 9)) * pack  # round() guards 2.0000000001 packs from float noise
    return pd.Series(np.where(need > 0, qty, 0), index=need.index).astype("int64")


def suggest(
    forecast: pd.DataFrame,
    safety: pd.DataFrame,
    skus: pd.DataFrame,
    available: pd.DataFrame,
    on_order: pd.DataFrame,
    rules: ReplenishmentRules,
) -> pd.DataFrame:
    """forecast: sku_id, total_7d, total_7d_lower, total_7d_upper; available: sku_id, available;
    on_order: sku_id, on_order. Returns one row per suggested SKU (SUGGESTION_COLUMNS)."""
    f = forecast.rename(
        columns={
            "total_7d": "forecast_7d",
            "total_7d_lower": "forecast_7d_lower",
            "total_7d_upper": "forecast_7d_upper",
        }
    )
    df = (
        f.merge(safety.drop(columns=["category", "supplier_id"]), on="sku_id", how="inner")
        .merge(skus[["sku_id", "category", "supplier_id", "min_order_qty", "pack_size"]], on="sku_id")
        .merge(available[["sku_id", "available"]], on="sku_id", how="left")
        .merge(on_order[["sku_id", "on_order"]], on="sku_id", how="left")
    )
    df["available"] = df["available"].fillna(0).astype("int64")
    df["on_order"] = df["on_order"].fillna(0).astype("int64")
    if rules.pilot_categories:
        df = df[df["category"].isin(rules.pilot_categories)]
    df["trigger_level"] = rules.trigger_factor * df["safety_stock"]
    df = df[df["forecast_7d"] > df["trigger_level"]].copy()
    cover = df["lead_time_days"] + df["review_days"]
    df["demand_over_cover"] = df["forecast_7d"] / 7 * cover
    df["net_need"] = df["demand_over_cover"] + df["safety_stock"] - df["available"] - df["on_order"]
    df["suggested_qty"] = round_order(df["net_need"], df["min_order_qty"], df["pack_size"])
    df = df[df["suggested_qty"] > 0].copy()
    df["reason"] = [_reason(r, rules.trigger_factor) for r in df.itertuples()]  # words, one per suggested row
    return df[SUGGESTION_COLUMNS].sort_values(["category", "sku_id"]).reset_index(drop=True)


def _reason(r, factor: float) -> str:
    cover = r.lead_time_days + r.review_days
    return (
        f"7-day forecast {r.forecast_7d:.0f} units (range {r.forecast_7d_lower:.0f}-{r.forecast_7d_upper:.0f}) "
        f"exceeds {factor:g} x safety stock {r.safety_stock:.0f} = {r.trigger_level:.0f}. "
        f"Cover {cover} days (lead time {r.lead_time_days} + review {r.review_days}): "
        f"demand {r.demand_over_cover:.0f} + safety stock {r.safety_stock:.0f} - available {r.available} "
        f"- on order {r.on_order} = {math.ceil(r.net_need)}; "
        f"ordered {r.suggested_qty} (MOQ {r.min_order_qty}, pack of {r.pack_size})."
    )
