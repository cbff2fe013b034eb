"""The forecast as the warehouse stores it: one fit of forecasts.forecaster, two shapes.

- `week`: the next 7 days per SKU with a low and high estimate (forecast.demand_7d): the bounds widen the
  point forecast by quantiles of log((actual + 1) / (forecast + 1)) of the same model at the 4 weekly
  origins before (per volume tercile; partly in-sample, so the backtest reports their real coverage);
  SKUs on the new-SKU rate get Poisson bounds.
- `daily`: every day up to the horizon (lead time + review period and more), the rows of
  forecast.daily_forecasts that the purchasing policy and, later, the safety stock's error pairs read.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import poisson

from forecasts import forecaster
from forecasts.features import HORIZON, DemandMatrix

BOUND_WEEKS = 4


def horizon_for(longest_lead_days: int, review_days: int, slack_days: int = 7) -> int:
    """Days to forecast: the longest cover (lead time + review) plus slack for late deliveries."""
    return max(int(longest_lead_days) + int(review_days) + int(slack_days), HORIZON)


@dataclass
class Outlook:
    origin: int
    daily: np.ndarray  # (n_sku, horizon) units per day after the origin
    fallback: np.ndarray  # SKUs on the new-SKU rate
    launched: np.ndarray  # SKUs with a sale by the origin (the others get no rows)
    fitted: forecaster.Fitted
    calibration: np.ndarray | float = 1.0  # factor per day ahead already applied to `daily` (forecasts.calibration)

    def factors(self) -> np.ndarray:
        """The calibration factor of each day ahead, (horizon,)."""
        return np.broadcast_to(np.asarray(self.calibration, float), (self.daily.shape[1],))


def _days_after(m: DemandMatrix, origin: int, days: int) -> np.ndarray:
    return np.datetime64(m.day(origin), "D") + np.arange(1, days + 1)


def _terciles(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    return np.searchsorted(edges, values, side="right")


def _spec(pairs: np.ndarray, interval: float) -> tuple[np.ndarray, np.ndarray]:
    """(tercile edges of the forecast, [lo, hi] log-ratio quantiles per tercile) from (forecast, actual) rows."""
    alpha = (1 - interval) / 2
    edges = np.quantile(pairs[:, 0], [1 / 3, 2 / 3]) if len(pairs) else np.array([np.inf, np.inf])
    lr = np.log((pairs[:, 1] + 1) / (pairs[:, 0] + 1))
    band = _terciles(pairs[:, 0], edges)
    qs = [
        np.quantile(lr[band == k], [alpha, 1 - alpha]) if (band == k).sum() >= 20 else np.array([-1.0, 1.0])
        for k in range(3)
    ]
    return edges, np.array(qs)


def _bounds(point: np.ndarray, spec) -> tuple[np.ndarray, np.ndarray]:
    edges, qs = spec
    q = qs[_terciles(point, edges)]
    lo = np.maximum((point + 1) * np.exp(q[..., 0]) - 1, 0)
    hi = np.maximum((point + 1) * np.exp(q[..., 1]) - 1, point)
    return np.minimum(lo, point), hi


def _residual_specs(out: Outlook, m: DemandMatrix, interval: float) -> dict:
    totals, days = [], []
    for w in range(1, BOUND_WEEKS + 1 if out.fitted.model is not None else 1):
        o = out.origin - 7 * w
        if o < 0:
            break
        fc, fallback = forecaster.predict(out.fitted, m.truncated(o), o, HORIZON, in_sample=True)
        fc = fc * out.factors()[:HORIZON]
        act = np.nan_to_num(m.Y[:, o + 1 : o + 1 + HORIZON])
        ok = ~fallback & (m.first_idx <= o)
        totals.append(np.c_[fc[ok].sum(1), act[ok].sum(1)])
        days.append(np.c_[fc[ok].ravel(), act[ok].ravel()])
    stack = lambda rows: np.vstack(rows) if rows else np.zeros((0, 2))  # noqa: E731
    return {"total": _spec(stack(totals), interval), "day": _spec(stack(days), interval)}


def forecast(
    m: DemandMatrix, p: forecaster.ForecastParams, origin: int | None = None, calibration: np.ndarray | float = 1.0
) -> Outlook:
    """Fit on days <= origin (default: the last day) and forecast `p.horizon` days for every SKU, scaled by the
    calibration factors, one per day ahead or one for all (forecasts.calibration, from the forecasts made before)."""
    origin = m.n_days - 1 if origin is None else origin
    daily, fallback, fitted = forecaster.forecast(m, p, origin)
    k = np.broadcast_to(np.asarray(calibration, float), (daily.shape[1],))
    return Outlook(origin, daily * k[None, :], fallback, m.first_idx <= origin, fitted, k)


def week(out: Outlook, m: DemandMatrix, interval: float = 0.8) -> pd.DataFrame:
    """forecast.demand_7d rows: per SKU and target day, units with bounds, and the 7-day total with bounds."""
    point = out.daily[:, :HORIZON]
    specs = _residual_specs(out, m, interval)
    d_lo, d_hi = _bounds(point, specs["day"])
    tot = point.sum(axis=1)
    t_lo, t_hi = _bounds(tot, specs["total"])
    alpha, fb = (1 - interval) / 2, out.fallback
    d_lo[fb], d_hi[fb] = poisson.ppf(alpha, point[fb]), poisson.ppf(1 - alpha, point[fb])
    t_lo[fb], t_hi[fb] = poisson.ppf(alpha, tot[fb]), poisson.ppf(1 - alpha, tot[fb])
    n = len(m.skus)
    frame = pd.DataFrame(
        {
            "sku_id": np.repeat(m.skus, HORIZON),
            "target_date": np.tile(_days_after(m, out.origin, HORIZON), n),
            "horizon": np.tile(np.arange(1, HORIZON + 1), n),
            "units": point.ravel(),
            "units_lower": np.minimum(d_lo, point).ravel(),
            "units_upper": np.maximum(d_hi, point).ravel(),
            "total_7d": np.repeat(tot, HORIZON),
            "total_7d_lower": np.repeat(np.minimum(t_lo, tot), HORIZON),
            "total_7d_upper": np.repeat(np.maximum(t_hi, tot), HORIZON),
            "method": np.repeat(np.where(out.fallback, "new_sku_rate", "model"), HORIZON),
        }
    )
    return frame[np.repeat(out.launched, HORIZON)].reset_index(drop=True)


def daily_rows(out: Outlook, m: DemandMatrix, source: str) -> pd.DataFrame:
    """forecast.daily_forecasts rows: per launched SKU and horizon 1..H (origin = the last day seen)."""
    n, horizon = out.daily.shape
    frame = pd.DataFrame(
        {
            "origin_date": m.day(out.origin),
            "sku_id": np.repeat(m.skus, horizon),
            "horizon": np.tile(np.arange(1, horizon + 1), n),
            "target_date": np.tile(_days_after(m, out.origin, horizon), n),
            "units": out.daily.ravel(),
            "method": np.repeat(np.where(out.fallback, "new_sku_rate", "model"), horizon),
            "source": source,
            "model_cutoff": m.day(out.fitted.cutoff),
            "calibration": np.tile(out.factors(), n),
        }
    )
    return frame[np.repeat(out.launched, horizon)].reset_index(drop=True)
