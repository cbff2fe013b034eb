"""The forecast assets end to end on a crafted warehouse, with a fake ERP purchasing module and WMS."""

import json
from datetime import UTC, datetime, timedelta

import dagster as dg
import numpy as np
import openpyxl
import pytest
from click.testing import CliRunner
from fc_helpers import AS_OF, SKUS, load

from assets.forecast import (
    backtest,
    daily_demand,
    demand_7d,
    replenishment_loop,
    replenishment_suggestions,
    safety_stock,
    supplier_orders,
)
from cli.main import main
from forecasts.delivery import PostResult
from orderhub import warehouse
from quality.checks import load_suites
from quality.framework import Window, run_suite
from resources.purchasing import PurchasingApi
from resources.quality_settings import QualitySettings
from resources.warehouse import Warehouse
from resources.wms import WmsApi

FAST = {"n_estimators": 40, "n_threads": 1, "min_child_samples": 20, "train_share": 1.0, "bags": 1}
POSTED: list[dict] = []  # what the fake ERP accepted, listed back as purchase orders


class FakePurchasing(PurchasingApi):
    fail: bool = False

    def post_suggestions(self, suggestion_date, lines, calls, session=None):
        if self.fail:
            return PostResult(False, error="HTTP 503: maintenance")
        batch = f"PB-{suggestion_date}-{len(POSTED)}"
        at = datetime.combine(AS_OF + timedelta(days=1), datetime.min.time(), UTC)
        for j, ln in enumerate(lines):
            POSTED.append(
                {
                    "po_no": f"{batch}-{j}",
                    "source": "orderhub",
                    "supplier_id": "SUP-1",
                    "sku_id": ln["sku_id"],
                    "quantity": ln["quantity"],
                    "ordered_at": at.isoformat(),
                    "expected_at": (at + timedelta(days=7)).isoformat(),
                    "status": "open",
                    "received_quantity": 0,
                }
            )
        return PostResult(True, batch_id=batch, accepted=len(lines))

    def list_purchase_orders(self, calls, page_size=500, max_pages=1000):
        erp = {  # raised by a buyer in the ERP, outside OrderHub: on order all the same
            "po_no": "ERP-1",
            "source": "erp",
            "supplier_id": "SUP-1",
            "sku_id": SKUS[0],
            "quantity": 1000,
            "ordered_at": "2026-11-15T02:00:00+00:00",
            "expected_at": "2026-11-22T02:00:00+00:00",
            "status": "open",
            "received_quantity": 0,
        }
        return [erp, {"po_no": "", "sku_id": SKUS[1], "quantity": "many"}, *POSTED]  # one unreadable row


class FakeWms(WmsApi):
    def fetch_receipts(self, after, limit, calls):
        return [], after


@pytest.fixture()
def wh(orderhub_home):
    POSTED.clear()
    con = warehouse.connect()
    load(con)
    con.close()
    return Warehouse()


ASSETS = [
    daily_demand.daily_demand,
    demand_7d.demand_7d,
    backtest.backtest,
    supplier_orders.supplier_orders,
    safety_stock.safety_stock,
    replenishment_suggestions.replenishment_suggestions,
    replenishment_loop.replenishment_loop,
]
CONFIG = {
    "forecast__demand_7d": FAST,
    "forecast__backtest": {**FAST, "n_origins": 2, "error_origins": 4},
    "forecast__replenishment_loop": {**FAST, "weeks": 4, "warmup_weeks": 3, "min_sale_days": 10},
}
SECOND = {  # the second table of each multi-asset
    demand_7d.WEEK: demand_7d.DAILY,
    supplier_orders.ORDERS: supplier_orders.RECEIPTS,
    replenishment_suggestions.SUGGESTIONS: replenishment_suggestions.POS,
}


def _run(wh, selection, fail=False, extra=None):
    keys = [dg.AssetKey.from_user_string(s) for s in selection.split()]
    keys += [SECOND[k] for k in keys if k in SECOND]
    op_of = {"forecast/demand_7d": "demand_7d", "forecast/supplier_orders": "supplier_orders"}
    op_of["forecast/replenishment_suggestions"] = "replenishment_suggestions"
    ops = {}
    for s in selection.split():
        op = op_of.get(s, s.replace("/", "__"))
        cfg = {**CONFIG.get(s.replace("/", "__"), {}), **(extra or {}).get(s, {})}
        if cfg:
            ops[op] = {"config": cfg}
    res = dg.materialize(
        ASSETS,
        selection=keys,
        run_config={"ops": ops},
        resources={"warehouse": wh, "purchasing_api": FakePurchasing(fail=fail), "wms": FakeWms()},
    )
    assert res.success
    return res


def _q(wh, sql):
    con = warehouse.connect(wh.resolved_path, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


BUILD = "forecast/daily_demand forecast/demand_7d forecast/backtest forecast/supplier_orders forecast/safety_stock"


def test_daily_demand_excludes_cancelled_refunded_unpaid_and_fills_zero_days(wh):
    _run(wh, "forecast/daily_demand")
    (max_day, n_sku, big) = _q(
        wh, "select max(demand_date), count(distinct sku_id), max(units) from forecast.daily_demand"
    )[0]
    assert max_day == AS_OF and n_sku == len(SKUS) and big < 300  # 500/400/300-unit orders left out
    per_sku = dict(_q(wh, "select sku_id, count(*) from forecast.daily_demand group by 1"))
    assert per_sku[SKUS[0]] == 84 and per_sku[SKUS[-1]] == 10
    assert _q(wh, "select count(*) from forecast.daily_demand where promo_units > 0")[0][0] == 0


def _below_safety_stock(wh) -> set[str]:
    """SKUs whose projected position is below safety stock, recomputed here from the tables."""
    rows = _q(
        wh,
        """with fc as (
               -- the forecast planned with: the model's blended with the 28-day mean at the stored weight
               select sku_id, any_value(s.forecast_weight) * sum(units) filter (
                          where horizon <= s.lead_time_days + s.review_days)
                      + (1 - any_value(s.forecast_weight)) * any_value(s.mean_28d * s.cover_days) as cover
               from forecast.daily_forecasts f join forecast.safety_stock s using (sku_id)
               where source = 'production' group by sku_id),
           stock as (select sku_id, sum(on_hand - locked - reserved) as net from inventory.availability group by 1),
           got as (select po_no, sum(quantity) as n from forecast.goods_receipts group by 1),
           open as (select sku_id, sum(quantity - coalesce(got.n, 0)) as n
                    from forecast.supplier_orders left join got using (po_no) group by 1)
           select s.sku_id from forecast.safety_stock s join fc using (sku_id) left join stock using (sku_id)
           left join open using (sku_id)
           where coalesce(stock.net, 0) + coalesce(open.n, 0) - fc.cover < s.safety_stock""",
    )
    return {r[0] for r in rows}


def test_pipeline_lists_every_sku_below_safety_stock_posts_and_nets_what_is_on_order(wh, orderhub_home):
    _run(wh, BUILD)
    assert _q(wh, "select count(*), count(distinct sku_id) from forecast.demand_7d")[0] == (56, 8)
    assert _q(wh, f"select method from forecast.demand_7d where sku_id = '{SKUS[-1]}' limit 1") == [("new_sku_rate",)]
    assert {m for (m,) in _q(wh, "select distinct method from forecast.backtest")} == {
        "model",
        "seasonal_naive",
        "ma28",
        "median8",
    }
    horizons = dict(_q(wh, "select source, max(horizon) from forecast.daily_forecasts group by 1"))
    assert horizons == {"production": 21, "backtest": 21}  # lead time 7 + review 7 + a week of slack
    assert _q(wh, "select count(*), sum(quantity) from forecast.supplier_orders")[0] == (1, 1000)
    assert _q(wh, "select count(*) from hub.quarantine where entity = 'purchase_order'")[0][0] == 1
    methods = {m for (m,) in _q(wh, "select distinct method from forecast.safety_stock")}
    assert (
        methods <= {"forecast_errors", "normal"}
        and _q(wh, "select min(safety_stock) from forecast.safety_stock")[0][0] >= 0
    )

    expected = _below_safety_stock(wh)
    assert expected and SKUS[0] not in expected  # 1,000 units on order from the ERP cover the first SKU
    _run(wh, "forecast/replenishment_suggestions", fail=True)
    statuses = _q(wh, "select post_status, count(*) from forecast.replenishment_suggestions group by 1")
    assert statuses and all(s == "failed" for s, _ in statuses)
    listed = {r[0] for r in _q(wh, "select sku_id from forecast.replenishment_suggestions")}
    assert listed == expected
    shown = [json.loads(line) for line in _cli("replenishment", "list", "--json").splitlines()]
    assert {r["sku_id"] for r in shown} == expected  # `orderhub replenishment list`: the same SKUs, most urgent first
    dates = [r["stockout_date"] for r in shown]
    assert dates == sorted(dates, key=lambda d: (d is None, d or ""))
    n = statuses[0][1]

    _run(wh, "forecast/replenishment_suggestions")  # next run: the failed post is sent again and accepted
    assert _q(wh, "select post_status, count(*) from forecast.replenishment_suggestions group by 1") == [
        ("accepted", n)
    ]
    # the ERP now lists OrderHub's orders: after a sync nothing is below safety stock, nothing is posted again
    _run(wh, "forecast/supplier_orders forecast/replenishment_suggestions")
    assert _q(wh, "select count(*) from forecast.replenishment_suggestions")[0][0] == n
    assert _q(wh, "select count(*) from forecast.supplier_orders where source = 'orderhub'")[0][0] == n
    assert _below_safety_stock(wh) == set()

    xlsx = orderhub_home.exports / "purchasing" / f"replenishment_{AS_OF + timedelta(days=1)}.xlsx"
    ws = openpyxl.load_workbook(xlsx).active
    header = [c.value for c in ws[1]]
    assert ws.max_row == n + 1 and {r[0].value for r in ws.iter_rows(min_row=2)} == expected
    for title in ("Days of cover", "Stock-out without order", "Surge", "Reason", "ERP status"):
        assert title in header
    col = header.index("Stock-out without order") + 1
    dates = [ws.cell(i, col).value for i in range(2, ws.max_row + 1)]
    assert dates == sorted(dates, key=lambda d: (d is None, d))  # most urgent first
    alerts = _q(wh, "select kind, delivery_status, message from ops.alerts where kind = 'replenishment'")
    assert alerts and alerts[0][1] == "pending" and "below safety stock" in alerts[0][2]


def test_pilot_scope_limits_suggestions_to_one_category(wh):
    _run(
        wh,
        f"{BUILD} forecast/replenishment_suggestions",
        extra={"forecast/replenishment_suggestions": {"pilot_categories": ["drinks"]}},
    )
    cats = {c for (c,) in _q(wh, "select distinct category from forecast.replenishment_suggestions")}
    assert cats == {"drinks"}


def test_the_closed_loop_asset_stores_every_policy_and_passes_its_checks(wh):
    _run(wh, "forecast/daily_demand forecast/replenishment_loop")
    rows = _q(wh, "select policy, lead_time_days, fill_rate, inventory_days from forecast.replenishment_loop")
    policies = {r[0] for r in rows}
    assert {"orderhub", "rop_ma28", "out_ma28", "out_snaive"} <= policies
    assert all(r[1] == "catalogue" and 0 <= r[2] <= 1 and np.isfinite(r[3]) for r in rows)
    con = warehouse.connect(wh.resolved_path)
    results = run_suite(con, load_suites()["forecast.replenishment_loop"], QualitySettings(), Window())
    con.close()
    assert next(r for r in results if r.rule.name == "results_valid").passed
    shown = [json.loads(line) for line in _cli("replenishment", "loop", "--json").splitlines()]
    assert {r["policy"] for r in shown} == policies and len(shown) == len(rows)  # `orderhub replenishment loop`


def _cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _beats_naive(con):
    suite = load_suites()["forecast.backtest"]
    (result,) = run_suite(con, suite, QualitySettings(), Window(), only={"model_beats_seasonal_naive"})
    assert not result.rule.blocking  # a warning: the forecast keeps flowing
    return result


def test_check_warns_when_the_model_stops_beating_seasonal_naive(wh):
    con = warehouse.connect(wh.resolved_path)
    assert _beats_naive(con).passed  # no backtest yet: nothing to warn about
    con.execute(
        "insert into forecast.backtest (origin_date, method, wape, mase, actual_units, abs_error, n_skus, seconds,"
        " run_at) values (date '2026-11-01', 'model', 0.6, 1.2, 100, 60, 8, 1, now()),"
        " (date '2026-11-01', 'seasonal_naive', 0.5, 1.0, 100, 50, 8, 0, now())"
    )
    result = _beats_naive(con)
    con.close()
    assert not result.passed
    assert result.frame.iloc[0].to_dict() == pytest.approx({"model_wape": 0.6, "seasonal_naive_wape": 0.5})
