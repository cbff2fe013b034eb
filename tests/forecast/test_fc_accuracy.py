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
    m = DemandMatrix(np.array(["A", "B", "C"]), date(2026, 1, 1), Y, np.zeros_like(Y))
    res = accuracy.evaluate(m, {"flat": lambda hist, o: np.full((3, 14), 1.0)}, n_origins=2, min_sale_days=10)
    cs = res["cover_summary"].set_index("method")
    assert cs.loc["flat", "origins"] == 1  # the last origin's second week is not sold yet
    assert cs.loc["flat", "bias"] == pytest.approx(-0.5) and cs.loc["ma28", "bias"] == pytest.approx(0.0)


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
    out = calibration.Calibrator(by_block=True)
    out(y, 30, book[30])
    # 30 + 14 > 43: block 2 not sold yet, so it takes block 1's factor
    assert out(y, 43, np.ones((2, 14))) == pytest.approx(np.full((2, 14), 1 / 0.9))
