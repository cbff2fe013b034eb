"""No leakage: features of a row may only use days up to its origin; calendar features are date rules."""

from datetime import date

import numpy as np
import pandas as pd

from forecasts.calendar import calendar_frame
from forecasts.features import FEATURE_COLUMNS, DemandMatrix, build_features, calendar_for, training_rows


def _matrix(seed: int = 1, n_sku: int = 12, n_days: int = 150) -> DemandMatrix:
    rng = np.random.default_rng(seed)
    Y = rng.poisson(rng.uniform(0.5, 20, size=(n_sku, 1)) * (1 + 0.5 * (np.arange(n_days) % 7 == 5)), (n_sku, n_days))
    Y = Y.astype(float)
    Y[3, :40] = np.nan  # a SKU launched later
    return DemandMatrix(np.array([f"S{i}" for i in range(n_sku)]), date(2026, 3, 1), Y, rng.poisson(1, Y.shape) * 1.0)


def test_perturbing_the_future_leaves_features_of_past_origins_unchanged():
    m = _matrix()
    T = 110  # everything after day T is "the future"
    cal = calendar_for(m, "CN")
    i, o, h, _ = training_rows(m, cutoff=m.n_days - 1, min_history=14, window=400, seed=3)
    past = o <= T
    before = build_features(m, cal, i[past], o[past], h[past])

    future = DemandMatrix(m.skus, m.start, m.Y.copy(), m.P.copy())
    rng = np.random.default_rng(9)
    future.Y[:, T + 1 :] = rng.poisson(500, future.Y[:, T + 1 :].shape)
    future.P[:, T + 1 :] = 400
    after = build_features(future, cal, i[past], o[past], h[past])

    pd.testing.assert_frame_equal(before, after)
    # the test can fail: rows whose origin is in the perturbed future do change
    late = ~past
    assert not build_features(m, cal, i[late], o[late], h[late]).equals(
        build_features(future, cal, i[late], o[late], h[late])
    )


def test_training_rows_never_target_after_the_cutoff_and_origins_precede_targets():
    m = _matrix()
    i, o, h, y = training_rows(m, cutoff=100, min_history=14, window=400, seed=1)
    assert (o + h <= 100).all() and ((h >= 1) & (h <= 7)).all()
    assert (o - m.first_idx[i] + 1 >= 14).all()
    np.testing.assert_array_equal(y, m.Y[i, o + h])
    assert set(FEATURE_COLUMNS) <= set(build_features(m, calendar_for(m, "CN"), i, o, h).columns)


def test_calendar_is_pluggable_and_knows_chinese_festivals_and_holidays():
    days = [date(2026, 6, 18), date(2026, 11, 11), date(2026, 10, 1), date(2026, 10, 10), date(2026, 7, 15)]
    cn = calendar_frame(days, "CN")
    assert cn.loc[date(2026, 6, 18), "is_festival_peak"] == 1
    assert cn.loc[date(2026, 11, 11), "is_festival_peak"] == 1
    assert cn.loc[date(2026, 10, 1), "is_holiday"] == 1
    assert cn.loc[date(2026, 10, 10), "is_workday"] == 1  # a Saturday make-up working day (调休)
    assert cn.loc[date(2026, 7, 15), ["is_festival", "is_holiday"]].sum() == 0
    gb = calendar_frame([date(2011, 12, 26), date(2011, 11, 11)], "GB")
    assert gb["is_holiday"].tolist() == [1, 0] and gb["is_festival"].sum() == 0


def test_festival_dates_do_not_depend_on_the_machine_locale(monkeypatch):
    """A seller's machine with LANG=zh_CN.UTF-8 gets Chinese holiday names from `holidays` by default."""
    from forecasts.calendar import spring_festival

    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    spring_festival.cache_clear()
    assert spring_festival(2027) == date(2027, 2, 6)
    spring_festival.cache_clear()
