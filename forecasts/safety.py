"""Safety stock from the forecast's own errors over the cover period (lead time + review).

Pairs (forecast F, actual A) of demand totals over the cover period come from past forecast origins whose
cover period has ended (a backtest, or the closed loop's own earlier reviews): nothing the forecast could
not have known. The error is standardized by the SKU's own demand variability over the cover,
    e = (A - F) / scale,   scale = sd_daily x sqrt(cover) + 1,
and its empirical quantile at the service level, taken per band (forecast-level quantiles x variability
terciles) replaces the normal z: the shape of the errors is the forecast's own (bulk orders, bias, the
season), the size is the SKU's. Then
    safety stock = max(q_band, 0) x scale,    order-up-to level S = F + safety stock.
(Tried first on UCI and dropped: a log-ratio error, whose tail from bulk orders on SKUs forecast near zero
multiplied every forecast in the band, and a Poisson-standardized error (A - F) / sqrt(F + 1), which gave
steady SKUs the allowance of erratic ones; both held far more stock for the same fill rate.)
A band with fewer than `min_pairs` pairs uses the pooled quantile. Lead-time variability adds, in
quadrature, z x daily rate x sd(lead time in days) (the demand of the days a late delivery adds).
The cold start (no pairs yet) is the textbook normal approximation z x sd_daily x sqrt(cover).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np


@dataclass
class ErrorModel:
    level_edges: np.ndarray  # inner edges of the forecast-level bands
    cv_edges: np.ndarray  # inner edges of the variability bands
    errors: np.ndarray  # all pairs' (A - F) / scale
    band_of_pair: np.ndarray
    min_pairs: int

    @property
    def n_pairs(self) -> int:
        return len(self.errors)

    def band(self, forecast: np.ndarray, cv: np.ndarray) -> np.ndarray:
        lv = np.searchsorted(self.level_edges, forecast, side="right")
        vb = np.searchsorted(self.cv_edges, np.nan_to_num(cv), side="right")
        return lv * (len(self.cv_edges) + 1) + vb

    def quantiles(self, service_level: float) -> np.ndarray:
        """Quantile of the standardized error per band at one service level (pooled where a band is thin)."""
        n_bands = (len(self.level_edges) + 1) * (len(self.cv_edges) + 1)
        pooled = np.quantile(self.errors, service_level)
        out = np.full(n_bands, pooled)
        for b in range(n_bands):  # a handful of bands, not a loop over SKUs
            sel = self.errors[self.band_of_pair == b]
            if len(sel) >= self.min_pairs:
                out[b] = np.quantile(sel, service_level)
        return out


def error_scale(daily_sd: np.ndarray, cover_days: np.ndarray) -> np.ndarray:
    return daily_sd * np.sqrt(cover_days) + 1.0


def fit_errors(forecast: np.ndarray, actual: np.ndarray, cv: np.ndarray, scale: np.ndarray, n_levels: int = 4,
               n_cv: int = 3, min_pairs: int = 50) -> ErrorModel | None:
    """Pairs of cover-period totals (1-D arrays), each pair's SKU variability and error scale -> ErrorModel."""
    ok = np.isfinite(forecast) & np.isfinite(actual) & ((forecast > 0) | (actual > 0))
    if ok.sum() < min_pairs:
        return None
    f, a, v, sc = forecast[ok], actual[ok], np.nan_to_num(cv[ok]), scale[ok]
    level_edges = np.quantile(f, np.linspace(0, 1, n_levels + 1)[1:-1])
    cv_edges = np.quantile(v, np.linspace(0, 1, n_cv + 1)[1:-1])
    model = ErrorModel(level_edges, cv_edges, (a - f) / sc, np.zeros(len(f), int), min_pairs)
    model.band_of_pair = model.band(f, v)
    return model


def daily_cv(history: np.ndarray, days: int = 56) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean, sd, cv) of each SKU's daily demand over its last `days` days (NaN = not launched: skipped)."""
    window = history[:, -days:]
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a SKU not launched yet: all NaN, mean 0
        mean = np.nan_to_num(np.nanmean(window, axis=1))
        sd = np.nan_to_num(np.nanstd(window, axis=1))
        return mean, sd, np.where(mean > 0, sd / np.maximum(mean, 1e-9), 0.0)


def z_of(service_level: np.ndarray | float) -> np.ndarray:
    sl = np.asarray(service_level, dtype=float)
    if not ((sl >= 0.5) & (sl <= 0.9999)).all():
        raise ValueError("service levels must be between 0.5 and 0.9999")
    return np.vectorize(NormalDist().inv_cdf)(sl)


def safety_stock(forecast_cover: np.ndarray, cover_days: np.ndarray, errors: ErrorModel | None,
                 service_level: np.ndarray, daily_sd: np.ndarray, cv: np.ndarray,
                 lead_sd_days: np.ndarray | float = 0.0) -> np.ndarray:
    """Safety stock per SKU over its cover period (see the module docstring)."""
    service_level = np.broadcast_to(np.asarray(service_level, float), forecast_cover.shape)
    cover_days = np.broadcast_to(np.asarray(cover_days, float), forecast_cover.shape)
    z = z_of(service_level)
    if errors is None:
        demand_part = z * daily_sd * np.sqrt(cover_days)
    else:
        demand_part = np.zeros_like(forecast_cover, dtype=float)
        band = errors.band(forecast_cover, cv)
        for level in np.unique(service_level):  # one per category service level, not per SKU
            sel = service_level == level
            q = errors.quantiles(float(level))[band[sel]]
            demand_part[sel] = q * error_scale(daily_sd[sel], cover_days[sel])
    demand_part = np.maximum(demand_part, 0.0)
    rate = forecast_cover / np.maximum(cover_days, 1)
    lead_part = np.maximum(z, 0) * rate * np.asarray(lead_sd_days, float)
    return np.sqrt(demand_part**2 + lead_part**2)
