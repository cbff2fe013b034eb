"""Safety stock from a fill-rate target: the units-short arithmetic, the volume bands' factors (least safety stock
for the target on past pairs), the dispersion the pairs choose, and the closed loop meeting the target it is given."""

import numpy as np
import pytest
from test_fc_loop import _world

from forecasts import fill_rate, loop_bench, safety
from forecasts.loop_policies import OrderHubPolicy


def _pairs(n=600, seed=2, spread=(1.0, 1.0, 1.0)):
    """Pairs in three volume bands whose errors (in units of d) have the given spread."""
    rng = np.random.default_rng(seed)
    f = np.repeat([5.0, 50.0, 500.0], n // 3)
    d = np.sqrt(f) + 1
    e = rng.standard_normal(n) * np.repeat(spread, n // 3)
    a_cover = np.maximum(f + e * d, 0)
    return safety.Pairs(f, a_cover, a_cover * 0.5, d, d * 1.2)


def _filled(p, q_per_pair, a_per_pair=0.0):
    s = p.f_cover * (1 + a_per_pair) + q_per_pair * p.d
    short = np.maximum(p.a_cover - s, 0) - np.maximum(p.a_lead - s, 0)
    return 1 - short.sum() / (p.a_cover - p.a_lead).sum()


def test_units_short_matches_the_sum_over_pairs_at_every_factor():
    rng = np.random.default_rng(0)
    x, d = rng.normal(0, 10, 200), rng.uniform(1, 5, 200)
    grid = np.array([0.0, 0.3, 1.7, 4.0, 100.0])
    brute = [np.maximum(x - q * d, 0).sum() for q in grid]
    np.testing.assert_allclose(fill_rate.units_short(x, d, grid), brute, rtol=1e-9, atol=1e-9)


def test_factors_reach_the_target_with_the_least_stock_and_a_band_with_no_errors_holds_none():
    p = _pairs()
    for target in (0.95, 0.99):
        edges, q, a = fill_rate.factors(p, target)
        band = np.digitize(p.f_cover, edges)
        assert _filled(p, q[band], a[band]) >= target
        # the same stock spread as one pooled factor reaches no higher a fill (Lagrange: no worse than pooled)
        pooled = (q[band] * p.d + a[band] * p.f_cover).sum() / p.d.sum()
        assert _filled(p, np.full(len(p), pooled)) <= _filled(p, q[band], a[band]) + 1e-9
    exact = _pairs(spread=(1.0, 0.0, 1.0))  # the middle band's forecasts never miss
    edges, q, a = fill_rate.factors(exact, 0.97)
    assert q[1] == 0 and a[1] == 0 and (q + a)[[0, 2]].min() > 0
    low, high = fill_rate.factors(p, 0.95), fill_rate.factors(p, 0.99)
    assert (high[1] * 10 + high[2] * 500 >= low[1] * 10 + low[2] * 500).all()


def test_a_forecast_that_under_sells_in_proportion_is_covered_by_a_share_of_it_with_less_stock():
    """Steady sellers whose forecast is 15 % low: an error that grows with the forecast, not with the dispersion.
    A share of the forecast covers it with less safety stock than a factor of d alone."""
    rng = np.random.default_rng(3)
    f = rng.uniform(50, 500, 3000)
    d = 0.1 * f + 1
    a_cover = np.maximum(1.15 * f + rng.standard_normal(3000) * 0.3 * d, 0)
    p = safety.Pairs(f, a_cover, a_cover * 0.5, d, d)
    edges, q, a = fill_rate.factors(p, 0.97)
    band = np.digitize(f, edges)
    assert (a > 0).all() and _filled(p, q[band], a[band]) >= 0.97
    edges0, q0, a0 = fill_rate.factors(p, 0.97, shares=np.zeros(1))
    band0 = np.digitize(f, edges0)
    assert (a0 == 0).all()
    assert (q[band] * d + a[band] * f).sum() < (q0[band0] * d).sum()


def test_fill_rate_and_cycle_measures_and_the_dispersion_the_pairs_choose():
    rng = np.random.default_rng(4)
    n, days = 60, 420
    # half the SKUs switch between two levels every 60 days (predictable: the forecast knows the level), half are
    # steady: a year of 14-day windows counts the switches as spread, the daily sd far less
    level = np.where(np.arange(n)[:, None] < n // 2, np.where((np.arange(days) // 60) % 2, 40.0, 5.0), 20.0)
    y = rng.poisson(level).astype(float)
    book = {r: level[:, r + 1 : r + 29] for r in range(days - 200, days - 14, 7)}
    today = level[:, -28:]
    fill = safety.estimate(y, today, book, 14, 0.97, lead=7)
    assert (fill.method == "forecast_errors").all() and (fill.scale == "daily").all()
    np.testing.assert_allclose(fill.dispersion, safety.daily_dispersion(y, 14))
    more = safety.estimate(y, today, book, 14, 0.995, lead=7)
    assert more.safety_stock.sum() > fill.safety_stock.sum()
    cycle = safety.estimate(y, today, book, 14, 0.95, lead=7, measure="cycle")
    pairs = safety.pairs_from_book(y, book, 14, days - 1, 26, 7)
    assert cycle.quantile[0] == pytest.approx(np.quantile(pairs.e, 0.95)) and (cycle.scale == "cover_windows").all()
    with pytest.raises(ValueError, match="measure"):
        safety.estimate(y, today, book, 14, 0.95, measure="beta")


def test_the_closed_loop_meets_the_fill_rate_target_it_is_given():
    """The target is the knob: no tuning on the replayed weeks. With true-mean forecasts the loop's fill reaches the
    target (a little above it under lost sales: the arithmetic counts the review period's demand as short when the
    lead time emptied the shelf, though the arriving order then serves it), and a higher target buys more stock."""
    world, mean = _world()
    setup = loop_bench.Setup(world, weeks=16, warmup_weeks=14, review_days=7, service_level=0.95)
    book = {t: np.repeat(mean[:, None], 21, axis=1) for t in setup.reviews}
    kept = {}
    for target in (0.95, 0.98):
        pol = OrderHubPolicy(
            demand=world.m.Y,
            book=book,
            lead_days=world.lead_days,
            review_days=7,
            service_level=target,
            moq=world.moq,
            pack=world.pack,
        )
        kept[target] = loop_bench._run(setup, world.m.Y, world.lead_days, pol)
        assert target <= kept[target].fill_rate < target + 0.025, (target, kept[target].fill_rate)
    assert kept[0.98].inventory_days > kept[0.95].inventory_days
