"""End to end against the real simulator: the Dagster assets with WMS, logistics, CS and channel clients."""

from datetime import datetime
from types import SimpleNamespace

import dagster as dg
import pandas as pd
import pytest
import requests
from inv_fixtures import connect, map_sku

import simulator
from assets.hub.after_sales_tickets import after_sales_tickets
from assets.hub.fulfilment_tasks import fulfilment_tasks
from assets.hub.order_tags import order_tags
from assets.inventory.availability import inventory_availability
from assets.inventory.channel_listings import channel_listings
from assets.inventory.reservations import inventory_reservations
from assets.inventory.stock_conflicts import stock_conflicts
from assets.inventory.stock_push_log import stock_push_log
from assets.inventory.stock_snapshot import stock_snapshot
from assets.ops.wms_events import wms_events
from resources.channels import channel_resources
from resources.cs import CsApi
from resources.logistics import LogisticsApi
from resources.warehouse import Warehouse
from resources.wms import WmsApi

inventory = SimpleNamespace(
    stock_snapshot=stock_snapshot,
    inventory_reservations=inventory_reservations,
    inventory_availability=inventory_availability,
    channel_listings=channel_listings,
    stock_conflicts=stock_conflicts,
    stock_push_log=stock_push_log,
)
fulfilment = SimpleNamespace(wms_events=wms_events, fulfilment_tasks=fulfilment_tasks, order_tags=order_tags)
after_sales = SimpleNamespace(after_sales_tickets=after_sales_tickets)
SIM_NOW = "2026-11-20T04:00:00Z"
pytestmark = pytest.mark.slow


@pytest.fixture()
def sim(orderhub_home, monkeypatch):
    s = simulator.start(seed=11, days=4, now=SIM_NOW, erp_db=orderhub_home.erp_db, port=0)
    monkeypatch.setenv("ORDERHUB_SIMULATOR_URL", s.url)
    yield s
    s.stop()


def _resources(sim, orderhub_home):
    return {
        "warehouse": Warehouse(),
        "wms": WmsApi(base_url=sim.url, api_key="sim-wms-key"),
        "logistics": LogisticsApi(base_url=sim.url, api_key="sim-lg-key"),
        "cs": CsApi(base_url=sim.url),
        **channel_resources(),
    }  # base URLs: the simulator (env)


def _seed_hub(sim, con, n_paid: int = 4) -> list[str]:
    """hub.orders from the simulator's truth (ids and statuses), plus lines for a few paid taobao orders."""
    order_ids = []
    for channel in ("taobao", "douyin", "pdd"):
        truth = requests.get(f"{sim.url}/admin/truth/orders", params={"channel": channel}, timeout=30).json()["orders"]
        frame = pd.DataFrame(truth)[["order_id", "channel_order_id", "status"]]  # read by name in the SQL below
        con.execute(
            "insert into hub.orders (order_id, channel, shop_id, channel_order_id, buyer_key, status, order_date,"
            " created_at, paid_at, total_fen, discount_fen, freight_fen, paid_fen, receiver_province, receiver_city,"
            " source_updated_at, ingested_at) select order_id, ?, 's', channel_order_id, 'b', status,"
            " date '2026-11-19', timestamptz '2026-11-19 00:00:00+00', case when status <> 'pending_payment'"
            " then timestamptz '2026-11-19 01:00:00+00' end, 100, 0, 0, 100, '浙江省', '杭州市', now(), now()"
            " from frame",
            [channel],
        )
        rows = list(frame.itertuples(index=False))
        if channel == "taobao":
            order_ids = [r.order_id for r in rows if r.status == "paid"][:n_paid]
    # only our crafted paid orders should be fulfilled: other paid ones have no lines, so they are ignored
    for i, oid in enumerate(order_ids):
        con.execute(
            "insert into hub.order_lines values (?, 1, date '2026-11-19', ?, ?, 1, 100, 100, 'paid')",
            [oid, f"SKU-0000{i + 1}", f"SKU-0000{i + 1}"],
        )
    for i in range(1, 6):
        map_sku(con, "taobao", f"SKU-0000{i}", f"SKU-0000{i}")
        map_sku(con, "douyin", f"DY0000{i}", f"SKU-0000{i}")
        map_sku(con, "pdd", f"PDD-0000{i}", f"SKU-0000{i}")
    return order_ids


def test_assets_against_simulator(sim, orderhub_home):
    con = connect()
    paid = _seed_hub(sim, con)
    con.close()
    res = _resources(sim, orderhub_home)
    ops = [
        inventory.stock_snapshot,
        fulfilment.wms_events,
        fulfilment.fulfilment_tasks,
        inventory.inventory_reservations,
        inventory.inventory_availability,
        inventory.channel_listings,
        inventory.stock_conflicts,
        inventory.stock_push_log,
        fulfilment.order_tags,
    ]
    assert dg.materialize(ops, resources=res).success

    con = connect()
    assert con.execute("select count(*) from inventory.stock_snapshot").fetchone()[0] == 900
    assert con.execute("select count(*) from ops.wms_events").fetchone()[0] > 100
    tasks = con.execute(
        "select order_id, status, waybill_no from hub.fulfilment_tasks where order_id in"
        f" ({','.join('?' * len(paid))})",
        paid,
    ).fetchall()
    assert {t[1] for t in tasks} == {"sent_to_wms"} and len({t[2] for t in tasks}) == len(paid)
    # waybill/WMS times come from the systems themselves: the simulator's virtual clock, like order times
    assert con.execute(
        "select count(*) from hub.fulfilment_tasks where sent_to_wms_at = ? and waybill_at = ?",
        [datetime.fromisoformat(SIM_NOW), datetime.fromisoformat(SIM_NOW)],
    ).fetchone()[0] == len(paid)
    assert con.execute("select count(*) from inventory.stock_push_log where ok").fetchone()[0] > 0
    listed = requests.get(f"{sim.url}/admin/channel_stock", params={"channel": "douyin"}, timeout=30).json()
    pushed = dict(
        con.execute(
            "select channel_sku, quantity from inventory.stock_push_log where channel = 'douyin' and ok"
        ).fetchall()
    )
    now_listed = {i["channel_sku"]: i["quantity"] for i in listed["items"]}
    assert pushed and all(now_listed[sku] == qty for sku, qty in pushed.items())  # the channel lists what we pushed
    con.close()

    # Re-run after the warehouse worked: same waybills (no new ones), tasks shipped and confirmed to Taobao.
    created = requests.get(f"{sim.url}/admin/stats", timeout=30).json()
    sim.advance(3 * 3600)
    assert dg.materialize([fulfilment.wms_events, fulfilment.fulfilment_tasks], resources=res).success
    stats = requests.get(f"{sim.url}/admin/stats", timeout=30).json()
    assert stats["waybills_created"] == created["waybills_created"] == len(paid)
    assert stats["shipments_received"] == len(paid)
    con = connect()
    shipped = con.execute(
        "select count(*) from hub.fulfilment_tasks where status = 'shipped' and channel_confirmed_at is not null"
    ).fetchone()[0]
    assert shipped == len(paid)
    con.close()

    # After-sales: everything lands in the table or in quarantine (typo'd CS orders), nothing in between.
    cfg = {"ops": {"hub__after_sales_tickets": {"config": {"until": SIM_NOW, "initial_days": 1, "relink_hours": 0}}}}
    assert dg.materialize([after_sales.after_sales_tickets], resources=res, run_config=cfg).success
    con = connect()
    stored = con.execute("select count(*) from hub.after_sales_tickets").fetchone()[0]
    orphans = con.execute("select count(*) from hub.quarantine where entity = 'ticket'").fetchone()[0]
    assert stored > 20 and orphans >= 1
    assert not con.execute(
        "select count(*) from hub.after_sales_tickets t left join hub.orders o using (order_id)"
        " where o.order_id is null"
    ).fetchone()[0]
    assert (
        con.execute("select count(*) from ops.api_calls where channel in ('wms', 'logistics', 'cs')").fetchone()[0] > 0
    )
