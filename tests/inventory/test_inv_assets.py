"""The Dagster assets themselves (fake WMS server + fake channel clients): failures are reported, retried
next run, and never advance what they did not land."""

from types import SimpleNamespace

import dagster as dg
import inv_fakes as fk
import pytest
from inv_fixtures import NOW, add_order, connect, map_sku, open_alerts

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


@pytest.fixture()
def env(orderhub_home):
    server = fk.FakeServer()
    fk.reset_channels()
    res = {
        "warehouse": Warehouse(),
        "wms": WmsApi(base_url=server.url, api_key="wms-key"),
        "logistics": LogisticsApi(base_url=server.url, api_key="lg-key"),
        "cs": CsApi(base_url=server.url),
        **fk.fake_channels(),
    }
    yield server, res
    server.close()
    fk.reset_channels()


STOCK_ASSETS = [
    inventory.stock_snapshot,
    inventory.inventory_reservations,
    inventory.inventory_availability,
    inventory.channel_listings,
    inventory.stock_conflicts,
    inventory.stock_push_log,
]


def _meta(result, key: str) -> dict:
    mats = result.asset_materializations_for_node(key)
    return {k: v.value for k, v in mats[-1].metadata.items()}


def test_stock_push_asset_retries_failed_sku_next_run(env):
    server, res = env
    server.state.stock = [
        {"warehouse_id": "WH-HZ", "sku_id": s, "on_hand": 20, "locked": 0, "updated_at": "2026-11-20T00:00:00Z"}
        for s in ("SKU-1", "SKU-2")
    ]
    con = connect()
    for s in ("SKU-1", "SKU-2"):
        map_sku(con, "douyin", f"DY-{s}", s)
    con.close()
    fk.LISTED["douyin"] = {"DY-SKU-1": 0, "DY-SKU-2": 0}
    fk.PUSH_FAIL["douyin"] = {"DY-SKU-2"}
    cfg = {
        "ops": {
            "inventory__stock_push_log": {"config": {"channels": ["douyin"]}},
            "inventory__channel_listings": {"config": {"channels": ["douyin"]}},
        }
    }
    first = dg.materialize(STOCK_ASSETS, resources=res, run_config=cfg)
    assert _meta(first, "inventory__stock_push_log")["failed"] == 1
    assert fk.LISTED["douyin"] == {"DY-SKU-1": 18, "DY-SKU-2": 0}  # 20 - safety buffer 2
    con = connect()
    assert "stock_push:douyin:failed" in open_alerts(con)
    con.close()

    fk.PUSH_FAIL.clear()
    fk.PUSHED.clear()
    second = dg.materialize(STOCK_ASSETS, resources=res, run_config=cfg)
    assert fk.PUSHED["douyin"] == [{"channel_sku": "DY-SKU-2", "quantity": 18}]
    assert _meta(second, "inventory__stock_push_log")["failed"] == 0
    con = connect()
    assert not open_alerts(con, "stock_push_failed")
    assert con.execute("select count(*) from ops.api_calls where channel = 'wms'").fetchone()[0] == 2
    con.close()


def test_after_sales_asset_lands_healthy_feeds_and_keeps_failed_cursor(env):
    server, res = env
    con = connect()
    add_order(con, "taobao:100")
    con.close()
    fk.AFTER_SALES["taobao"] = [
        {
            "refund_id": 1,
            "tid": 100,
            "oid": 1,
            "refund_fee": "5.00",
            "reason": "破损",
            "dispute_type": "DAMAGED",
            "status": "WAIT_SELLER_AGREE",
            "created": "2026-11-20 10:00:00",
            "modified": "2026-11-20 11:00:00",
        }
    ]
    fk.AFTER_SALES_FAIL.add("douyin")
    server.state.tickets = [
        {
            "ticket_code": "CS-1",
            "source": "email",
            "channel": "taobao",
            "channel_order_id": "100",
            "ticket_type": "wrong_item",
            "status": "open",
            "description": "x",
            "created_at": "2026-11-20T01:00:00Z",
            "updated_at": "2026-11-20T02:00:00Z",
        }
    ]
    cfg = {"ops": {"hub__after_sales_tickets": {"config": {"until": NOW.isoformat()}}}}
    result = dg.materialize([after_sales.after_sales_tickets], resources=res, run_config=cfg, raise_on_error=False)
    assert not result.success
    con = connect()
    assert {r[0] for r in con.execute("select ticket_code from hub.after_sales_tickets").fetchall()} == {
        "taobao:1",
        "CS-1",
    }
    cursors = {r[0] for r in con.execute("select cursor_name from ops.cursors").fetchall()}
    assert cursors == {"after_sales:taobao", "after_sales:pdd", "after_sales:cs"}
    con.close()
