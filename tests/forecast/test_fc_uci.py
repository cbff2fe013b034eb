"""The same backtest on real UCI Online Retail demand (top-selling SKUs, to stay fast; full run: bench)."""

import numpy as np
import pandas as pd
import pytest

from forecasts import backtest
from forecasts.features import DemandMatrix
from forecasts.forecaster import ForecastParams
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
    params = ForecastParams(country="GB", horizon=14, n_estimators=80, learning_rate=0.1, n_threads=1, bags=1)
    res = backtest.run(m, params, n_origins=2)
    s = res.summary.set_index("method")
    assert s.loc["model", "wape"] < s.loc["seasonal_naive", "wape"], res.summary
    assert np.isfinite(s["mase"]).all()


def _slice(tmp_path, name: str, schema_ii: bool, start: str, end: str):
    """A few SKUs of the real file over [start, end), written in either schema."""
    import duckdb

    cols = (
        (
            "Invoice, StockCode, Description, Quantity, strftime(InvoiceDate, '%Y-%m-%d %H:%M:%S') as InvoiceDate,"
            ' UnitPrice as Price, CustomerID as "Customer ID", Country'
        )
        if schema_ii
        else "*"
    )
    out = tmp_path / name
    duckdb.sql(
        f"copy (select {cols.replace('Invoice,', 'InvoiceNo as Invoice,') if schema_ii else cols}"
        f" from read_parquet('{UCI_PATH}') where StockCode in ('85123A', '22423', '47566', 'POST')"
        f" and InvoiceDate >= '{start}' and InvoiceDate < '{end}') to '{out}' (format parquet)"
    )
    return out


def test_both_schemas_load_to_the_same_demand_and_overlapping_files_count_once(tmp_path):
    old = _slice(tmp_path, "a.parquet", False, "2011-01-01", "2011-04-01")
    new_schema = _slice(tmp_path, "b.parquet", True, "2011-01-01", "2011-04-01")
    a, b = load_daily(old), load_daily(new_schema)
    assert len(a) > 50 and set(a["sku_id"]) == {"85123A", "22423", "47566"}
    pd.testing.assert_frame_equal(a, b)
    # two files overlapping on 2011-03 (like the real 2009-2010 and 2010-2011 files on 2010-12-01..09)
    first = _slice(tmp_path, "c.parquet", True, "2011-01-01", "2011-03-15")
    second = _slice(tmp_path, "d.parquet", False, "2011-03-01", "2011-04-01")
    both = load_daily([first, second])
    pd.testing.assert_frame_equal(both, a)
