"""The accuracy harness: methods see days <= their origin only, baselines score as defined, and the hindsight
floors are what knowing each SKU's level over the scored weeks would score."""

from datetime import date

import numpy as np
import pytest

from forecasts import accuracy
from forecasts.backtest import origins_for
from forecasts.features import DemandMatrix


def test_hindsight_floor_of_a_lumpy_sku_and_of_a_steady_one():
    fl = accuracy.hindsight_floor(np.array([[0.0, 0.0, 0.0, 10.0]]))
    assert fl["sku_mean_wape"] == pytest.approx(1.5)  # mean 2.5: |0-2.5| x 3 + |10-2.5|, over 10
    assert fl["quantile_wape"] == pytest.approx(1.5) and abs(fl["quantile_bias"]) < 1e-9  # zero bias: the mean
    assert fl["quantile_level"] == pytest.approx(0.75, abs=1e-6)
    assert fl["sku_median_wape"] == pytest.approx(1.0) and fl["sku_median_bias"] == pytest.approx(-1.0)
    assert fl["top5_share"] == 1.0  # one SKU-week of 4 holds every unit
    steady = accuracy.hindsight_floor(np.full((3, 8), 7.0))
    assert steady["sku_mean_wape"] == 0 and steady["quantile_wape"] == 0
    assert accuracy.hindsight_floor(np.zeros((2, 8))) == {}


def test_evaluate_gives_methods_the_past_only_and_scores_regular_sellers():
    rng = np.random.default_rng(1)
    Y = rng.poisson(5.0, size=(6, 120)).astype(float)
    Y[5, :] = 0
    Y[5, ::10] = 3  # 12 sale days: not scored at min_sale_days=50
    m = DemandMatrix(np.array([f"S{i}" for i in range(6)]), date(2026, 1, 1), Y, np.zeros_like(Y))
    seen = []

    def last_week(hist: DemandMatrix, o: int) -> np.ndarray:
        seen.append((hist.n_days, o))
        return np.tile(np.nan_to_num(hist.Y[:, o - 6 : o + 1]), 2)  # its last 7 days, repeated: 14 days

    res = accuracy.evaluate(m, {"last_week": last_week}, n_origins=3, min_sale_days=50, warmup_origins=2)
    assert all(n == o + 1 for n, o in seen) and len(seen) == 5
    s = res["summary"].set_index("method")
    assert res["n_skus"] == 5
    assert s.loc["last_week", "wape"] == pytest.approx(s.loc["seasonal_naive", "wape"])
    assert s.loc["last_week", "bias"] == pytest.approx(s.loc["seasonal_naive", "bias"])
    assert 0 < res["floor"]["sku_mean_wape"] < s.loc["seasonal_naive", "wape"]
    err = tot = 0.0
    for o in origins_for(m, 3):
        actual, ma28 = Y[:5, o + 1 : o + 8].sum(axis=1), 7 * Y[:5, o - 27 : o + 1].mean(axis=1)
        err, tot = err + np.abs(actual - ma28 * actual.sum() / ma28.sum()).sum(), tot + actual.sum()
    assert res["floor"]["ma28_true_total_wape"] == pytest.approx(err / tot)
    t = accuracy.targets(res["summary"], "last_week")
    assert t["gain_vs_seasonal_naive"] == pytest.approx(0.0)


def test_cover_totals_are_scored_where_the_whole_cover_has_been_sold():
    Y = np.full((3, 100), 2.0)
    Y[:, -7:] = 4.0  # demand doubles for the last week
    m = DemandMatrix(np.array(["A", "B", "C"]), date(2026, 1, 1), Y, np.zeros_like(Y))
    flat = np.c_[np.full((3, 7), 2.0), np.full((3, 7), 1.0)]  # right in its first week, half in its second
    res = accuracy.evaluate(m, {"flat": lambda hist, o: flat}, n_origins=2, min_sale_days=10)
    cs = res["cover_summary"].set_index(["method", "days"])
    assert [d for d, _, _ in accuracy.spans(14)] == ["1-7", "8-14", "1-14"]
    assert (cs["origins"] == 1).all()  # the last origin's second week is not sold yet: one origin, every span
    o = origins_for(m, 2)[0]  # its days 1-7 at 2 a day, days 8-14 at 4 (the doubling starts there)
    assert o + 8 == 100 - 7 and cs.loc[("flat", "1-7"), "bias"] == pytest.approx(0.0)
    assert cs.loc[("flat", "8-14"), "bias"] == pytest.approx(7 / 28 - 1)
    assert cs.loc[("flat", "1-14"), "bias"] == pytest.approx(21 / 42 - 1)
    assert cs.loc[("flat", "1-14"), "wape"] == pytest.approx(21 / 42)
    # a baseline repeats its 7-day total: MA28 at 2 a day is right in week 1 and half in week 2
    assert cs.loc[("ma28", "8-14"), "bias"] == pytest.approx(-0.5) and cs.loc[("ma28", "1-7"), "bias"] == 0


def test_block_factors_calibrate_each_week_of_the_cover_on_weeks_already_sold():
    from forecasts import calibration

    y = np.full((2, 60), 1.0)
    book = {
        30: np.c_[np.full((2, 7), 0.9), np.full((2, 7), 0.8)],
        40: np.c_[np.full((2, 7), 0.9), np.full((2, 7), 1.0)],
    }
    k = calibration.block_factors(y, book, 50, 21)
    # block 1: both origins' first weeks have ended (1/0.9); block 2: only origin 30's (40 + 14 > 50): 1/0.8,
    # clipped to 1.25; block 3: no origin forecast that far, the block before's factor
    assert k == pytest.approx([1 / 0.9, 1.25, 1.25])
    assert calibration.daily_factors(y, book, 50, 10) == pytest.approx([1 / 0.9] * 7 + [1.25] * 3)
    assert calibration.factor(y, book, 50) == pytest.approx(1 / 0.9)
    out = calibration.Calibrator()  # by block: production's
    out(y, 30, book[30])
    # 30 + 14 > 43: block 2 not sold yet, so it takes block 1's factor
    assert out(y, 43, np.ones((2, 14))) == pytest.approx(np.full((2, 14), 1 / 0.9))
    one = calibration.Calibrator(by_block=False)
    one(y, 30, book[30])
    one(y, 40, book[40])
    assert one(y, 50, np.ones((2, 14))) == pytest.approx(np.full((2, 14), 1 / 0.9))  # week 1's for the cover
    assert calibration.Calibrator()(y, 50, np.ones((2, 3))).shape == (2, 3)  # no past forecasts: factor 1
