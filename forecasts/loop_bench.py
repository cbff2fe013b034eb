"""One closed-loop comparison, shared by bench/replenishment_loop.py and the (future) Dagster asset.

`compare` runs OrderHub's policy and the baselines on the same demand, reviews, lead times and starting
stock, then finds for each baseline the service level at which it reaches OrderHub's fill rate
(bisection: fill rate grows with the service level) and the inventory days it needs there.
Starting stock for every policy: the 28-day mean daily demand before the first day x (lead + review).
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from forecasts.features import DemandMatrix
from forecasts.forecaster import ForecastParams
from forecasts.loop import LoopConfig, LoopResult, run
from forecasts.loop_policies import BASELINES, BaselinePolicy, OrderHubPolicy, forecast_book


@dataclass
class World:
    name: str
    m: DemandMatrix  # every SKU (the forecaster trains on all of them)
    skus: np.ndarray  # indexes of the SKUs replayed
    lead_days: np.ndarray  # per replayed SKU (catalogue); a fixed lead time overrides it
    moq: np.ndarray
    pack: np.ndarray
    country: str


@dataclass
class Setup:
    world: World
    weeks: int
    warmup_weeks: int
    review_days: int
    service_level: float  # OrderHub's fill-rate target (measure 'fill_rate') or cycle service level
    late_share: float = 0.0
    late_days_max: int = 0
    backorders: bool = False
    measure: str = "fill_rate"

    @property
    def end(self) -> int:
        return self.world.m.n_days - 1

    @property
    def eval_from(self) -> int:
        return self.end - 7 * self.weeks + 1

    @property
    def start(self) -> int:
        return self.eval_from - 7 * self.warmup_weeks

    @property
    def reviews(self) -> list[int]:
        return list(range(self.start, self.end + 1, self.review_days))


def forecasts(setup: Setup, params: ForecastParams, refit_every: int, log=None) -> dict[int, np.ndarray]:
    book = forecast_book(setup.world.m, setup.reviews, params, refit_every, log)
    return {t: f[setup.world.skus] for t, f in book.items()}


def _lead_sd(setup: Setup) -> float:
    """sd of the delay a late delivery adds (uniform 1..max days with probability late_share)."""
    if setup.late_days_max <= 0 or setup.late_share <= 0:
        return 0.0
    k = np.arange(1, setup.late_days_max + 1)
    mean2, mean = setup.late_share * (k**2).mean(), setup.late_share * k.mean()
    return float(np.sqrt(mean2 - mean**2))


def _run(setup: Setup, demand, lead, policy) -> LoopResult:
    cfg = LoopConfig(lead, setup.review_days, setup.late_share, setup.late_days_max, setup.backorders)
    rate = np.nan_to_num(demand[:, max(setup.start - 28, 0) : setup.start]).mean(axis=1)
    start_stock = np.round(rate * (lead + setup.review_days))
    return run(demand, setup.start, setup.end, setup.eval_from, setup.reviews, policy, cfg, start_stock)


Z_MAX = 8.0  # safety factors searched for a baseline to match OrderHub's fill rate (0.9999 is only z = 3.7)


def _match_row(reached: bool, z: float, r: LoopResult, saving: float | None = None) -> dict:
    row = {
        "reached": reached,
        "z": round(z, 3),
        "service_level": NormalDist().cdf(z),
        "fill_rate": round(r.fill_rate, 4),
        "inventory_days": round(r.inventory_days, 2),
    }
    return row if saving is None else {**row, "orderhub_saving": round(saving, 4)}


def compare(setup: Setup, book: dict[int, np.ndarray], lead: int | None = None, search_steps: int = 12) -> dict:
    w = setup.world
    demand = w.m.Y[w.skus]
    lead_days = w.lead_days if lead is None else np.full(len(w.skus), lead)
    lead_sd = _lead_sd(setup)
    common = dict(
        demand=demand, lead_days=lead_days, review_days=setup.review_days, moq=w.moq, pack=w.pack, lead_sd_days=lead_sd
    )
    res = {
        "orderhub": _run(
            setup,
            demand,
            lead_days,
            OrderHubPolicy(book=book, service_level=setup.service_level, measure=setup.measure, **common),
        )
    }
    for kind in BASELINES:
        res[kind] = _run(setup, demand, lead_days, BaselinePolicy(kind, service_level=setup.service_level, **common))
    goal = res["orderhub"].fill_rate
    matched, matched_results = {}, {}
    for kind in BASELINES:
        lo, hi = 0.0, Z_MAX
        top = _run(setup, demand, lead_days, BaselinePolicy(kind, service_level=0.5, z=hi, **common))
        if top.fill_rate < goal:
            matched[kind] = _match_row(False, hi, top)
            continue
        best = top
        for _ in range(search_steps):
            mid = (lo + hi) / 2
            r = _run(setup, demand, lead_days, BaselinePolicy(kind, service_level=0.5, z=mid, **common))
            if r.fill_rate >= goal:
                hi, best = mid, r
            else:
                lo = mid
        matched_results[kind] = best
        matched[kind] = _match_row(True, hi, best, 1 - res["orderhub"].inventory_days / best.inventory_days)
    return {"policies": res, "matched": matched, "matched_results": matched_results}


def format_table(res: dict) -> str:
    lines = [
        "| policy | fill rate | inventory days | avg units on hand | stock-out SKU-days | orders | units bought |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in res["policies"].items():
        lines.append(
            f"| {name} | {r.fill_rate:.2%} | {r.inventory_days:.1f} | {r.avg_inventory_units:,.0f} | "
            f"{r.stockout_days:,} | {r.orders:,} | {r.units_bought:,} |"
        )
    lines += [
        "",
        "baseline raised to OrderHub's fill rate (its safety factor z searched up to 8):",
        "| baseline | z | fill rate | inventory days | OrderHub holds less by |",
        "|---|---|---|---|---|",
    ]
    for name, mt in res["matched"].items():
        saving = f"{mt['orderhub_saving']:.1%}" if mt["reached"] else f"not reached at z = {Z_MAX:g}"
        lines.append(f"| {name} | {mt['z']:.2f} | {mt['fill_rate']:.2%} | {mt['inventory_days']:.1f} | {saving} |")
    return "\n".join(lines)


def result_rows(setup: Setup, res: dict, lead_key: str, run_at) -> list[dict]:
    """Rows of forecast.replenishment_loop for one compare() result (the asset stores them)."""
    m = setup.world.m
    base = {
        "run_at": run_at,
        "first_day": m.day(setup.eval_from),
        "last_day": m.day(setup.end),
        "lead_time_days": lead_key,
    }
    rows = [
        {
            **base,
            "policy": name,
            "service_level": setup.service_level,
            "fill_rate": r.fill_rate,
            "inventory_days": r.inventory_days,
            "avg_inventory_units": r.avg_inventory_units,
            "stockout_sku_days": r.stockout_days,
            "orders": r.orders,
            "units_bought": r.units_bought,
        }
        for name, r in res["policies"].items()
    ]
    for name, r in res.get("matched_results", {}).items():
        rows.append(
            {
                **base,
                "policy": f"{name}@matched",
                "service_level": res["matched"][name]["service_level"],
                "fill_rate": r.fill_rate,
                "inventory_days": r.inventory_days,
                "avg_inventory_units": r.avg_inventory_units,
                "stockout_sku_days": r.stockout_days,
                "orders": r.orders,
                "units_bought": r.units_bought,
            }
        )
    return rows
