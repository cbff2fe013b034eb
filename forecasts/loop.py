"""Closed-loop replenishment simulator: replay a sales history day by day against a purchasing policy.

Each simulated day t, for all SKUs at once: goods due that morning are received; the day's real demand is
served from stock (the unserved part is lost, or backordered and served first from later receipts); at
the end of a review day the policy sees only what was known that evening (demand up to t, stock, what is
on order) and orders; an order placed on day t arrives on the morning of day t + lead time, or later for
a late delivery (a seeded share of orders is late by 1..late_days_max days). Days before `eval_from`
are a warm-up (the policy runs, so its forecast errors and the pipeline build up) and are not scored.

The demand replayed and shown to the policies is the recorded sales history, the same for every policy
(in a real shop a stock-out also hides demand from the next forecast; here no policy is penalised twice).
Scored, from `eval_from` to `end`:
- fill rate = units served from stock on the day they were demanded / units demanded;
- stock-out days = SKU-days on which some demand was not served from stock;
- average inventory = mean over days of the units on hand at the end of the day (all SKUs), and
  inventory days = that / the mean daily demand (days of cover held);
- orders placed (SKU lines with a quantity) and units bought.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass
class State:
    """What the policy may look at on review day t (arrays per SKU)."""

    t: int
    on_hand: np.ndarray
    on_order: np.ndarray
    backlog: np.ndarray  # demand owed to customers (backorder mode), a reservation on stock


Policy = Callable[[State], np.ndarray]  # -> units to order per SKU (int)


@dataclass
class LoopConfig:
    lead_days: np.ndarray | int = 7  # nominal lead time per SKU
    review_days: int = 7
    late_share: float = 0.0  # share of orders delivered late
    late_days_max: int = 0
    backorders: bool = False  # False: unserved demand is lost
    seed: int = 7


@dataclass
class LoopResult:
    fill_rate: float
    stockout_days: int
    avg_inventory_units: float
    inventory_days: float
    orders: int
    units_bought: int
    demand_units: float
    served_units: float
    daily_inventory: np.ndarray = field(repr=False)
    sku_fill: np.ndarray = field(repr=False)

    def as_dict(self) -> dict:
        return {
            k: getattr(self, k)
            for k in (
                "fill_rate",
                "inventory_days",
                "avg_inventory_units",
                "stockout_days",
                "orders",
                "units_bought",
                "demand_units",
            )
        }


def review_days_between(first: int, end: int, every: int) -> list[int]:
    return list(range(first, end + 1, every))


def run(
    demand: np.ndarray,
    start: int,
    end: int,
    eval_from: int,
    reviews: list[int],
    policy: Policy,
    cfg: LoopConfig,
    start_stock: np.ndarray,
) -> LoopResult:
    """Simulate days start..end (inclusive) of `demand` (n_sku x n_days, NaN = 0)."""
    n = demand.shape[0]
    y = np.nan_to_num(demand)
    lead = np.broadcast_to(np.asarray(cfg.lead_days, np.int64), (n,))
    rng = np.random.default_rng(cfg.seed)
    arrivals = np.zeros((n, end + int(lead.max()) + cfg.late_days_max + 2))
    on_hand = np.asarray(start_stock, float).copy()
    on_order, backlog = np.zeros(n), np.zeros(n)
    review_set = set(reviews)
    sku_demand, sku_served = np.zeros(n), np.zeros(n)
    inventory, stockouts, orders, bought = [], 0, 0, 0
    for t in range(start, end + 1):
        on_hand += arrivals[:, t]
        on_order -= arrivals[:, t]
        if cfg.backorders:  # owed units are shipped first when goods arrive
            paid_back = np.minimum(on_hand, backlog)
            on_hand -= paid_back
            backlog -= paid_back
        d = y[:, t]
        served = np.minimum(on_hand, d)
        on_hand -= served
        if cfg.backorders:
            backlog += d - served
        scored = t >= eval_from
        if scored:
            sku_demand += d
            sku_served += served
            stockouts += int((served < d).sum())
            inventory.append(on_hand.sum())
        if t in review_set:
            qty = np.maximum(np.asarray(policy(State(t, on_hand.copy(), on_order.copy(), backlog.copy())), float), 0)
            late = (
                np.where(rng.random(n) < cfg.late_share, rng.integers(1, cfg.late_days_max + 1, n), 0)
                if cfg.late_days_max > 0
                else np.zeros(n, np.int64)
            )
            np.add.at(arrivals, (np.arange(n), t + lead + late), qty)
            on_order += qty
            if scored:
                orders += int((qty > 0).sum())
                bought += int(qty.sum())
    inv = np.array(inventory)
    total_demand, total_served = sku_demand.sum(), sku_served.sum()
    mean_demand = total_demand / max(len(inv), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        sku_fill = np.where(sku_demand > 0, sku_served / sku_demand, np.nan)
    return LoopResult(
        fill_rate=float(total_served / total_demand) if total_demand else float("nan"),
        stockout_days=stockouts,
        avg_inventory_units=float(inv.mean()) if len(inv) else 0.0,
        inventory_days=float(inv.mean() / mean_demand) if mean_demand else float("nan"),
        orders=orders,
        units_bought=bought,
        demand_units=float(total_demand),
        served_units=float(total_served),
        daily_inventory=inv,
        sku_fill=sku_fill,
    )
