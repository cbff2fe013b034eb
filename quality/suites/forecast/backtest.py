"""forecast.backtest: how good the forecast was on past origins; the basis for trusting it."""

from __future__ import annotations

from quality.framework import Rule, TableSuite
from quality.ge import gxe

SUITE = TableSuite(
    table="forecast.backtest",
    key_columns=("origin_date", "method"),
    rules=(
        Rule(
            "errors_valid",
            "Known methods; WAPE, MASE, errors and SKU counts are never negative.",
            blocking=True,
            columns=("wape", "mase", "abs_error", "actual_units", "n_skus"),
            expectations=lambda s, f: [
                gxe.ExpectColumnValuesToBeInSet(
                    column="method", value_set=["model", "seasonal_naive", "ma28", "median8"]
                ),
                *[
                    gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0)
                    for c in ("wape", "mase", "abs_error", "actual_units", "n_skus")
                ],
            ],
        ),
        Rule(
            "model_beats_seasonal_naive",
            "Warning: the model's pooled WAPE on 7-day totals is below the seasonal naive's (same weekday last week).",
            blocking=False,
            sample_columns=("model_wape", "seasonal_naive_wape"),
            frame=lambda con, w, s: con.execute("""
                select sum(abs_error) filter (where method = 'model') / nullif(sum(actual_units)
                           filter (where method = 'model'), 0) as model_wape,
                       sum(abs_error) filter (where method = 'seasonal_naive') / nullif(sum(actual_units)
                           filter (where method = 'seasonal_naive'), 0) as seasonal_naive_wape
                from forecast.backtest having count(*) > 0""").df(),
            expectations=lambda s, f: [
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="seasonal_naive_wape", column_B="model_wape")
            ],
        ),
    ),
)
