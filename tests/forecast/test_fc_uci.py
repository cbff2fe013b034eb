"""The same backtest on real UCI Online Retail demand (top-selling SKUs, to stay fast; full run: bench)."""

import numpy as np
import pytest

from forecasts import backtest
from forecasts.features import DemandMatrix
from forecasts.model import ModelParams
from forecasts.uci import UCI_PATH, load_daily

pytestmark = pytest.mark.skipif(
    not UCI_PATH.exists(), reason=f"UCI Online Retail data not found at {UCI_PATH} (../shared absent): skipped"
)


def test_uci_cleaning_and_model_beats_seasonal_naive_on_top_skus():
    daily = load_daily()
    assert daily["units"].min() > 0 and str(daily["demand_date"].max())[:10] == "2011-12-08"
    assert not daily["sku_id"].isin(["POST", "M", "DOT", "BANK CHARGES", "C2", "D"]).any()
    assert daily["units"].max() < 80995  # the cancelled 80,995-unit order is gone with its cancellation
    top = daily.groupby("sku_id")["units"].sum().nlargest(150).index
    m = DemandMatrix.from_frame(daily[daily["sku_id"].isin(top)])
    res = backtest.run(m, ModelParams(country="GB", max_iter=80, learning_rate=0.1, n_threads=1), n_origins=2)
    s = res.summary.set_index("method")
    assert s.loc["model", "wape"] < s.loc["seasonal_naive", "wape"], res.summary
    assert np.isfinite(s["mase"]).all()
