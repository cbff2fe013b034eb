"""Connectors against the real simulator (simulator/API.md), with and without faults."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import requests

from orderhub.calllog import CallLog
from orderhub.exports import read_export
from orderhub.http import ApiError
from resources.channels import CHANNEL_APIS
from resources.erp import ErpBridge

pytestmark = pytest.mark.slow
NOW = datetime(2026, 11, 11, 12, 0, tzinfo=UTC)
ID_KEY = {"taobao": "tid_str", "douyin": "order_id", "pdd": "order_sn", "jd": "orderId"}
QUIET = {"error_rate": 0, "rate_limit_rate": 0, "slow_rate": 0, "duplicate_rate": 0, "mutate_while_paging": False}
# a throttle bans the app for retry_after seconds (TOP's way): short here, and the clients really wait a
# little (capped), so a retry lands after the ban without the test waiting out real backoffs
QUIET["retry_after"] = 0.05


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    import simulator

    erp_db = tmp_path_factory.mktemp("sim") / "legacy_erp.sqlite"
    sim = simulator.start(seed=11, days=3, now=NOW.isoformat().replace("+00:00", "Z"), erp_db=erp_db)
    sim.erp_db = erp_db
    yield sim
    sim.stop()


def client(sim, channel: str, **config):
    cls, key, secret, shop, token = CHANNEL_APIS[channel]
    api = cls(
        base_url=f"{sim.url}/{channel}", app_key=key, app_secret=secret, shop_id=shop, access_token=token, **config
    )
    # retry waits are not what these tests measure: none, except a short real one for TOP, whose ban must pass
    return api.with_transport(sleep=(lambda s: time.sleep(min(s, 0.08))) if channel == "taobao" else (lambda s: None))


def truth_ids(sim, channel: str, start: datetime, end: datetime) -> set[str]:
    shop = CHANNEL_APIS[channel][3]  # e.g. taobao also has the export-only shop tm-outlet
    orders = requests.get(
        f"{sim.url}/admin/truth/orders", params={"channel": channel, "shop": shop}, timeout=30
    ).json()["orders"]
    lo, hi = start.strftime("%Y-%m-%dT%H:%M:%SZ"), end.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {str(o["channel_order_id"]) for o in orders if lo <= o["modified_at"] < hi}


def throttles(sim) -> int:
    injected = requests.get(f"{sim.url}/admin/stats", timeout=10).json()["faults_injected"]
    return injected.get("rate_limit", 0) + injected.get("rate_limit_ban", 0)


def set_faults(sim, **faults) -> None:
    requests.post(f"{sim.url}/admin/faults", json={**QUIET, **faults}, timeout=10).raise_for_status()


@pytest.mark.parametrize("channel", ["taobao", "douyin", "pdd", "jd"])
def test_fetch_matches_the_simulator_truth(sim, channel):
    set_faults(sim)
    api = client(sim, channel)
    start = NOW - timedelta(minutes=100)
    calls = CallLog()
    records = api.fetch_orders(start, NOW, calls)
    expected = truth_ids(sim, channel, start - timedelta(seconds=api.overlap_s), NOW)
    assert expected and {str(r[ID_KEY[channel]]) for r in records} == expected
    assert all(r.ok and r.attempt == 1 for r in calls.records)
    if "after_sales" in api.capabilities:
        assert len(api.fetch_after_sales(NOW - timedelta(days=2), NOW, CallLog())) > 0


@pytest.mark.parametrize(
    ("channel", "minutes", "page_size"), [("taobao", 45, 40), ("douyin", 45, 40), ("pdd", 45, 40), ("jd", 1440, 10)]
)
def test_nothing_lost_with_errors_rate_limits_timeouts_duplicates_and_changes_while_paging(
    sim, channel, minutes, page_size
):
    # JD sells less: a longer window and smaller pages so enough calls are made for faults to be drawn
    start = NOW - timedelta(minutes=minutes)
    set_faults(sim)
    # a timeout well above a loaded machine's response time: only the injected slow replies time out
    api = client(sim, channel, timeout_s=1.0, page_size=page_size)
    expected = truth_ids(sim, channel, start - timedelta(seconds=api.overlap_s), NOW)
    set_faults(
        sim,
        error_rate=0.1,
        rate_limit_rate=0.05,
        slow_rate=0.02,
        slow_seconds=1.5,
        duplicate_rate=0.2,
        mutate_while_paging=True,
        max_fault_streak=3,  # within the client's 3 retries, however a loaded machine shifts the fault stream
        channels=[channel],
    )
    calls = CallLog()
    before = throttles(sim)
    try:
        records = api.fetch_orders(start, NOW, calls)
    finally:
        set_faults(sim)
    assert {str(r[ID_KEY[channel]]) for r in records} == expected  # none lost, none invented
    attempts = [r.attempt for r in calls.records]
    assert max(attempts) <= 4 and any(a > 1 for a in attempts)
    assert {r.http_status for r in calls.records if not r.ok} & {500, 502, 503}
    faults = requests.get(f"{sim.url}/admin/stats", timeout=10).json()["faults_injected"]
    # the platforms throttle with an HTTP-200 error body (never 429), retried like one
    throttled = [r for r in calls.records if not r.ok and r.error and r.error.startswith("throttle")]
    assert all(r.http_status == 200 for r in throttled) and len(throttled) == throttles(sim) - before
    assert faults.get("mutate_while_paging", 0) > 0 and faults.get("duplicate", 0) > 0


@pytest.mark.parametrize(
    ("channel", "message"),
    [("taobao", "Invalid signature"), ("douyin", "签名校验失败"), ("pdd", "签名错误"), ("jd", "无效签名")],
)
def test_wrong_secret_is_the_platform_error(sim, channel, message):
    set_faults(sim)
    api = client(sim, channel).model_copy(update={"app_secret": "wrong"})
    with pytest.raises(ApiError, match=message):
        api.fetch_orders(NOW - timedelta(minutes=5), NOW, CallLog())


@pytest.mark.parametrize("channel", ["taobao", "douyin", "pdd"])
def test_stock_push_list_and_shipment_confirmation(sim, channel):
    set_faults(sim)
    api = client(sim, channel)
    listed = api.list_stock(CallLog())
    assert len(listed) == len({r["channel_sku"] for r in listed}) > 100
    sku = listed[0]["channel_sku"]
    result = api.push_stock(
        [{"channel_sku": sku, "quantity": 7}, {"channel_sku": "NO-SUCH-SKU", "quantity": 1}], CallLog()
    )
    assert result[0]["ok"], result
    on_platform = requests.get(f"{sim.url}/admin/channel_stock", params={"channel": channel}, timeout=10).json()[
        "items"
    ]
    assert {i["channel_sku"]: i["quantity"] for i in on_platform}[sku] == 7
    order = api.fetch_orders(NOW - timedelta(minutes=20), NOW, CallLog())[0]
    api.confirm_shipment(str(order[ID_KEY[channel]]), "SF1234567890123", "SF", CallLog())
    with pytest.raises(ApiError):
        api.confirm_shipment("not-an-order", "SF1234567890123", "SF", CallLog())


@pytest.mark.parametrize(("encoding", "fmt"), [("gbk", "csv"), ("utf-8-sig", "csv"), ("utf-8-sig", "xlsx")])
def test_simulator_seller_center_exports_read_back(sim, tmp_path, encoding, fmt):
    resp = requests.get(
        f"{sim.url}/admin/exports/taobao",
        params={"date": "2026-11-10", "encoding": encoding, "format": fmt},
        timeout=30,
    )
    resp.raise_for_status()
    path = tmp_path / f"report.{fmt}"
    path.write_bytes(resp.content)
    mapping, records = read_export(path)
    assert mapping == "taobao_export" and len(records) > 10
    assert all(r["订单编号"].isdigit() and r["联系手机"].isdigit() for r in records)
    assert all(r["订单创建时间"].startswith("2026-11-10") for r in records)


@pytest.mark.parametrize("resaved", ["", "excel"])
def test_simulator_real_report_pair_lands_every_order_line_and_fen(sim, orderhub_home, resaved):
    """The real download (order report + item report, GBK; or as Excel saves it again) lands through the
    taobao_report mapping with exact accounting: the same orders, lines and money as the combined file."""
    from orderhub.ingest.fileland import land_dropped
    from orderhub.ingest.pull import PullReport
    from orderhub.standardize.hub import build_hub
    from orderhub.warehouse import connect

    folder = orderhub_home.landing_for("taobao")
    paths = []
    for report in ("order", "item"):
        params = {"date": "2026-11-10", "layout": "pair", "report": report, "resaved": resaved}
        resp = requests.get(f"{sim.url}/admin/exports/taobao", params=params, timeout=30)
        resp.raise_for_status()
        name = resp.headers["Content-Disposition"].split('filename="')[1].rstrip('"')
        paths.append(folder / name)
        paths[-1].write_bytes(resp.content)
    n_orders, n_lines = (
        int(
            requests.get(f"{sim.url}/admin/exports/taobao", params={**params, "report": r}, timeout=30).headers[
                "X-Row-Count"
            ]
        )
        for r in ("order", "item")
    )
    _, combined = read_export_day(sim, tmp := orderhub_home.home / "combined.csv")
    con, report = connect(orderhub_home.target), PullReport()
    land_dropped(
        con, paths, landing=orderhub_home.landing, archive=orderhub_home.archive, workdir=tmp.parent, report=report
    )
    assert not report.errors and not report.files_waiting, report.errors + report.files_waiting
    (batch,) = report.batches
    assert (batch.received, batch.stored, batch.deduplicated, batch.quarantined) == (n_orders, n_orders, 0, 0)
    assert batch.lines_stored == n_lines == sum(len(r["商家编码"].split(";")) for r in combined)
    build_hub(con, datetime(2026, 11, 1).date(), datetime(2026, 11, 30).date(), "test-salt")
    hub = con.execute("select count(*), sum(paid_fen), sum(total_fen) from hub.orders where shop_id = 'tm-outlet'")
    paid = sum(round(float(r["买家实际支付金额"]) * 100) for r in combined)
    total = sum(round(float(r["总金额"]) * 100) for r in combined)
    assert hub.fetchone() == (len(combined), paid, total)
    created = con.execute("select min(created_at) from hub.orders where shop_id = 'tm-outlet'").fetchone()[0]
    assert created.second == 0 if resaved else True  # Excel dropped the seconds; the minute still lands


def read_export_day(sim, path):
    resp = requests.get(f"{sim.url}/admin/exports/taobao", params={"date": "2026-11-10"}, timeout=30)
    path.write_bytes(resp.content)
    return read_export(path)


def test_simulator_erp_poll_mark_and_redelivery(sim):
    bridge = ErpBridge(url=f"sqlite:///{sim.erp_db}", batch_size=40)
    batch = bridge.poll()
    assert len(batch) == 40 and all(r["lines"] for r in batch)
    assert bridge.mark_synced(batch) == 40
    assert not {r["order_no"] for r in batch} & {r["order_no"] for r in bridge.poll()}
    assert len(bridge.read_items()) >= 300 and len(bridge.read_channel_skus()) > 0
