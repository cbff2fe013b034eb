"""The forecast assets end to end on a crafted warehouse, with a fake purchasing endpoint."""

from datetime import timedelta

import dagster as dg
import openpyxl
import pytest
from fc_helpers import AS_OF, SKUS, load

from assets.forecast import backtest, daily_demand, demand_7d, replenishment_suggestions, safety_stock
from forecasts.delivery import PostResult
from orderhub import warehouse
from quality.checks import load_suites
from quality.framework import Window, run_suite
from resources.purchasing import PurchasingApi
from resources.quality_settings import QualitySettings
from resources.warehouse import Warehouse

FAST = {"max_iter": 40, "n_threads": 1, "min_samples_leaf": 20}


class FakePurchasing(PurchasingApi):
    fail: bool = False

    def post_suggestions(self, suggestion_date, lines, calls, session=None):
        if self.fail:
            return PostResult(False, error="HTTP 503: maintenance")
        return PostResult(True, batch_id=f"PB-{suggestion_date}-{len(lines)}", accepted=len(lines))


@pytest.fixture()
def wh(orderhub_home):
    con = warehouse.connect()
    load(con)
    con.close()
    return Warehouse()


def _run(wh, selection, fail=False, extra=None):
    ops = {
        "forecast__demand_7d": {"config": FAST},
        "forecast__backtest": {"config": {**FAST, "n_origins": 2}},
        **(extra or {}),
    }
    config = {
        "ops": {
            k: v
            for k, v in ops.items()
            if k.replace("forecast__", "forecast/") in selection.split()
            or (k == "replenishment_suggestions" and "forecast/replenishment_suggestions" in selection)
        }
    }
    assets = [
        daily_demand.daily_demand,
        demand_7d.demand_7d,
        backtest.backtest,
        safety_stock.safety_stock,
        replenishment_suggestions.replenishment_suggestions,
    ]
    keys = [dg.AssetKey.from_user_string(s) for s in selection.split()]
    if replenishment_suggestions.SUGGESTIONS in keys:
        keys.append(replenishment_suggestions.POS)  # one multi-asset writes both tables
    res = dg.materialize(
        assets,
        selection=keys,
        run_config=config,
        resources={"warehouse": wh, "purchasing_api": FakePurchasing(fail=fail)},
    )
    assert res.success
    return res


def _q(wh, sql):
    con = warehouse.connect(wh.resolved_path, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_daily_demand_excludes_cancelled_refunded_unpaid_and_fills_zero_days(wh):
    _run(wh, "forecast/daily_demand")
    (max_day, n_sku, big) = _q(
        wh, "select max(demand_date), count(distinct sku_id), max(units) from forecast.daily_demand"
    )[0]
    assert max_day == AS_OF and n_sku == len(SKUS) and big < 300  # 500/400/300-unit orders left out
    per_sku = dict(_q(wh, "select sku_id, count(*) from forecast.daily_demand group by 1"))
    assert per_sku[SKUS[0]] == 84 and per_sku[SKUS[-1]] == 10
    assert _q(wh, "select count(*) from forecast.daily_demand where promo_units > 0")[0][0] == 0


def test_pipeline_posts_exports_and_alerts_and_a_failed_post_is_retried(wh, orderhub_home):
    _run(wh, "forecast/daily_demand forecast/demand_7d forecast/backtest forecast/safety_stock")
    assert _q(wh, "select count(*), count(distinct sku_id) from forecast.demand_7d")[0] == (56, 8)
    assert _q(wh, "select method from forecast.demand_7d where sku_id = ? limit 1".replace("?", f"'{SKUS[-1]}'")) == [
        ("new_sku_rate",)
    ]
    methods = {m for (m,) in _q(wh, "select distinct method from forecast.backtest")}
    assert methods == {"model", "seasonal_naive", "ma28"}

    _run(wh, "forecast/replenishment_suggestions", fail=True)
    statuses = _q(wh, "select post_status, count(*) from forecast.replenishment_suggestions group by 1")
    assert statuses and all(s == "failed" for s, _ in statuses)
    assert _q(wh, "select count(*) from forecast.purchase_orders")[0][0] == 0
    n = statuses[0][1]

    _run(wh, "forecast/replenishment_suggestions")  # next run: the failed post is sent again and accepted
    statuses = _q(wh, "select post_status, count(*) from forecast.replenishment_suggestions group by 1")
    assert statuses == [("accepted", n)]
    assert (
        _q(
            wh,
            "select count(*) from forecast.purchase_orders where expected_arrival_date > ?".replace(
                "?", f"date '{AS_OF}'"
            ),
        )[0][0]
        == n
    )

    _run(wh, "forecast/replenishment_suggestions")  # same day again: all on order now, nothing re-posted
    assert _q(wh, "select count(*) from forecast.replenishment_suggestions")[0][0] == n
    assert _q(wh, "select count(*) from forecast.purchase_orders")[0][0] == n

    today = AS_OF + timedelta(days=1)  # the day after the last complete day of data
    xlsx = orderhub_home.exports / "purchasing" / f"replenishment_{today}.xlsx"
    ws = openpyxl.load_workbook(xlsx).active
    status_col = [c.value for c in ws[1]].index("ERP status") + 1
    assert ws.max_row == n + 1 and ws.cell(2, status_col).value == "accepted"
    assert (orderhub_home.exports / "purchasing" / f"replenishment_{today}.csv").exists()
    alerts = _q(wh, "select kind, severity, delivery_status, message from ops.alerts where kind = 'replenishment'")
    assert len(alerts) >= 1 and alerts[0][2] == "pending" and "purchase suggestion" in alerts[0][3]


def test_pilot_scope_limits_suggestions_to_one_category(wh):
    _run(
        wh,
        "forecast/daily_demand forecast/demand_7d forecast/safety_stock forecast/replenishment_suggestions",
        extra={"replenishment_suggestions": {"config": {"pilot_categories": ["drinks"]}}},
    )
    cats = {c for (c,) in _q(wh, "select distinct category from forecast.replenishment_suggestions")}
    assert cats == {"drinks"}


def _beats_naive(con):
    suite = load_suites()["forecast.backtest"]
    (result,) = run_suite(con, suite, QualitySettings(), Window(), only={"model_beats_seasonal_naive"})
    assert not result.rule.blocking  # a warning: the forecast keeps flowing
    return result


def test_check_warns_when_the_model_stops_beating_seasonal_naive(wh):
    con = warehouse.connect(wh.resolved_path)
    assert _beats_naive(con).passed  # no backtest yet: nothing to warn about
    con.execute(
        "insert into forecast.backtest values (date '2026-11-01', 'model', 0.6, 1.2, 100, 60, 8, 1, now()),"
        " (date '2026-11-01', 'seasonal_naive', 0.5, 1.0, 100, 50, 8, 0, now())"
    )
    result = _beats_naive(con)
    con.close()
    assert not result.passed
    assert result.frame.iloc[0].to_dict() == pytest.approx({"model_wape": 0.6, "seasonal_naive_wape": 0.5})
