"""The stock-aware purchasing policy (periodic review, order-up-to), on arrays of SKUs.

At a review, per SKU:
    position   = on hand + on order - reserved              (backorders count as negative stock)
    cover      = lead time + review period (days)
    projected  = position - forecast demand over the cover
    reorder    when projected < safety stock, i.e. position < target = forecast over cover + safety stock
    quantity   = target - position, raised to the MOQ and rounded up to whole packs
Safety stock comes from forecasts.safety (the forecast's own errors over the cover). The seed's rule,
"next 7 days' forecast > 1.5 x safety stock", is kept as the `surge` flag shown on a suggestion; it no
longer decides whether a SKU is ordered (it passed only for steady sellers, and fewer of them the higher
the service level or the longer the lead time).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SURGE_FACTOR = 1.5


def cover_demand(daily: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Forecast total over each SKU's first `days` days; past the horizon, the last week's mean rate."""
    n, horizon = daily.shape
    days = np.broadcast_to(np.asarray(days, float), (n,))
    cum = np.concatenate([np.zeros((n, 1)), np.cumsum(daily, axis=1)], axis=1)
    whole = np.minimum(np.floor(days).astype(int), horizon)
    tail_rate = daily[:, -min(7, horizon) :].mean(axis=1)
    return cum[np.arange(n), whole] + np.maximum(days - horizon, 0) * tail_rate


def days_until_out(daily: np.ndarray, stock: np.ndarray) -> np.ndarray:
    """Days the stock lasts under the forecast: the first day whose cumulative demand exceeds it, minus 1
    (0 = runs out tomorrow; no stock = 0). Past the horizon the last week's rate extrapolates; inf if 0."""
    n, horizon = daily.shape
    cum = np.cumsum(daily, axis=1)
    short = cum > stock[:, None]
    first = np.where(short.any(axis=1), short.argmax(axis=1), horizon)
    rate = daily[:, -min(7, horizon) :].mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        beyond = horizon + np.floor((stock - cum[:, -1]) / rate)
    out = np.where(short.any(axis=1), first, np.where(rate > 0, beyond, np.inf)).astype(float)
    return np.where(stock <= 0, 0.0, out)


def round_order(need: np.ndarray, moq: np.ndarray, pack: np.ndarray) -> np.ndarray:
    """Smallest multiple of the pack size >= max(need, MOQ); 0 when nothing is needed."""
    pack = np.maximum(np.asarray(pack, float), 1)
    base = np.maximum(need, moq)
    qty = np.ceil(np.round(base / pack, 9)) * pack  # round() guards 2.0000000001 packs from float noise
    return np.where(need > 0, qty, 0).astype(np.int64)


@dataclass
class Plan:
    """One review's decision, one entry per SKU."""

    cover_days: np.ndarray
    cover_demand: np.ndarray
    safety_stock: np.ndarray
    target: np.ndarray
    position: np.ndarray
    projected: np.ndarray
    reorder: np.ndarray
    quantity: np.ndarray
    forecast_7d: np.ndarray
    surge: np.ndarray
    days_of_cover: np.ndarray  # days the sellable stock (on hand - reserved) lasts
    days_to_stockout: np.ndarray  # days the stock + everything on order lasts, without a new order


def plan(
    daily: np.ndarray,
    on_hand: np.ndarray,
    on_order: np.ndarray,
    reserved: np.ndarray,
    lead_days: np.ndarray,
    review_days: int,
    safety: np.ndarray,
    moq: np.ndarray,
    pack: np.ndarray,
    surge_factor: float = SURGE_FACTOR,
) -> Plan:
    """The order-up-to decision for all SKUs at once (see the module docstring)."""
    cover = np.asarray(lead_days, float) + review_days
    demand = cover_demand(daily, cover)
    position = on_hand + on_order - reserved
    target = demand + safety
    projected = position - demand
    reorder = projected < safety
    qty = np.where(reorder, round_order(target - position, moq, pack), 0)
    f7 = daily[:, :7].sum(axis=1)
    return Plan(
        cover,
        demand,
        safety,
        target,
        position,
        projected,
        reorder & (qty > 0),
        qty,
        f7,
        f7 > surge_factor * safety,
        days_until_out(daily, on_hand - reserved),
        days_until_out(daily, position),
    )
