"""Safety factors that meet a fill-rate target with the least safety stock, from past (forecast, actual) pairs.

A fill rate is a share of units (the shop's: units served from stock / units demanded), so fast sellers weigh by
their units. Periodic review, order-up-to level S = F + q x d over the cover (lead time L + review R): the units a
pair would have gone short in its review period are (A_cover - S)+ - (A_lead - S)+ (what the lead time's demand
had already taken before the order arrived is the previous cycle's shortage).

SKUs are split into volume bands (terciles of the forecast over the cover, an ABC split) with one factor q_k each,
and a share a_k of the forecast (0-20 %: safety stock = a_k x F + q_k x d, for errors that grow with the forecast
rather than with the dispersion, such as a forecast that under-sells steady sellers), chosen together: each band
takes the (a_k, q_k) minimizing its safety stock + lambda x units short in it (the marginal fill bought by one more
unit of safety stock is the same in every band, Lagrange), and lambda is raised until the pooled past fill reaches
the target. Measured on UCI (forecasts/README.md): 0.5-2 points less stock than one
pooled factor at the same fill rate; a band per SKU class of intermittency or relative dispersion was worse.
"""

from __future__ import annotations

import numpy as np

GRID = np.arange(0.0, 50.0001, 0.05)  # safety factors tried (units of d)
SHARES = np.array([0.0, 0.05, 0.1, 0.15, 0.2])  # shares of the forecast tried
BANDS = 3


def units_short(x: np.ndarray, d: np.ndarray, grid: np.ndarray = GRID) -> np.ndarray:
    """sum_i (x_i - q d_i)+ for every q of `grid` (one sort and suffix sums, not pairs x grid)."""
    k = x / d
    o = np.argsort(k)
    sx = np.concatenate([np.cumsum(x[o][::-1])[::-1], [0.0]])
    sd = np.concatenate([np.cumsum(d[o][::-1])[::-1], [0.0]])
    j = np.searchsorted(k[o], grid, side="right")
    return sx[j] - grid * sd[j]


def band_edges(f_cover: np.ndarray, bands: int = BANDS) -> np.ndarray:
    return np.quantile(f_cover, np.arange(1, bands) / bands) if len(f_cover) else np.zeros(0)


def factors(pairs, target: float, bands: int = BANDS, shares: np.ndarray = SHARES):
    """(edges, q per band, a per band): volume-band edges on the pairs' forecasts over the cover, each band's factor
    of d and share of the forecast. `pairs`: forecasts.safety.Pairs (f_cover, a_cover, a_lead, d)."""
    edges = band_edges(pairs.f_cover, bands)
    band = np.digitize(pairs.f_cover, edges)
    units = max(float((pairs.a_cover - pairs.a_lead).sum()), 1e-9)
    shape = (bands, len(shares), len(GRID))
    short, stock = np.zeros(shape), np.zeros(shape)
    for b in range(bands):
        sel = band == b
        if sel.any():
            f, d = pairs.f_cover[sel], pairs.d[sel]
            x, y = pairs.a_cover[sel] - f, pairs.a_lead[sel] - f
            for j, a in enumerate(shares):  # S = F + a F + q d: short by (x - a F - q d)+ less the lead time's part
                short[b, j] = units_short(x - a * f, d) - units_short(y - a * f, d)
                stock[b, j] = GRID * d.sum() + a * f.sum()
    short, stock = short.reshape(bands, -1), stock.reshape(bands, -1)

    def pick(lam: float) -> tuple[np.ndarray, float]:
        idx = np.argmin(stock + lam * short, axis=1)
        return idx, 1 - short[np.arange(bands), idx].sum() / units

    lo, hi = -6.0, 9.0  # log10 lambda
    if pick(10**hi)[1] < target:  # unreachable with the grid: the largest factors
        return edges, np.full(bands, GRID[-1]), np.full(bands, shares[-1])
    for _ in range(50):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if pick(10**mid)[1] >= target else (mid, hi)
    idx = pick(10**hi)[0]
    return edges, GRID[idx % len(GRID)], shares[idx // len(GRID)]
