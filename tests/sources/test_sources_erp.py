"""ERP bridge against a legacy-schema SQLite database built here (same DDL as simulator/API.md)."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resources.erp import ErpBridge, ErpUnavailable

DDL = """
create table erp_items(sku_code text, title text, category text, price_yuan text, pack_size int, moq int,
    lead_time_days int, supplier_code text, updated text);
create table erp_channel_skus(channel text, channel_sku text, sku_code text);
create table so_header(id integer primary key, order_no text unique, shop_code text, cust_name text, cust_phone text,
    province text, city text, address text, status text, amount text, freight text, discount text, order_time text,
    pay_time text, ship_time text, done_time text, update_time text, is_synced integer not null default 0);
create table so_line(order_no text, line_no int, sku_code text, qty int, price text);
"""


def make_erp(path, n: int) -> None:
    con = sqlite3.connect(path)
    con.executescript(DDL)
    for i in range(n):
        # ids ascend while update times descend: "oldest first" must follow update_time, not id
        con.execute(
            "insert into so_header(order_no, shop_code, cust_name, status, amount, update_time) values (?,?,?,?,?,?)",
            (f"SO{i:04d}", "erp-wholesale", "王小明", "NEW", "1290.5", f"2026/11/11 10:{59 - i % 60:02d}:00"),
        )
        con.executemany(
            "insert into so_line values (?,?,?,?,?)",
            [(f"SO{i:04d}", ln, f"SKU-{ln:05d}", 2, "645.25") for ln in (1, 2)],
        )
    con.execute(
        "insert into erp_items values ('SKU-00001','保温杯','家居','59.90',1,10,7,'SUP-1','2026/11/01 00:00:00')"
    )
    con.execute("insert into erp_channel_skus values ('taobao','TB-1','SKU-00001')")
    con.commit()
    con.close()


def erp_update(path, order_no: str, status: str, update_time: str | None = "2026/11/11 11:00:00") -> None:
    con = sqlite3.connect(path)
    con.execute(
        "update so_header set status = ?, update_time = ?, is_synced = 0 where order_no = ?",
        (status, update_time, order_no),
    )
    con.commit()
    con.close()


@pytest.fixture()
def erp(tmp_path):
    path = tmp_path / "legacy_erp.sqlite"
    make_erp(path, 5)
    return path, ErpBridge(url=f"sqlite:///{path}", batch_size=3)


def test_poll_returns_unsynced_orders_oldest_first_with_lines(erp):
    _, bridge = erp
    batch = bridge.poll()
    assert [r["order_no"] for r in batch] == ["SO0004", "SO0003", "SO0002"]
    assert batch[0]["cust_name"] == "王小明" and batch[0]["amount"] == "1290.5"
    assert [(ln["line_no"], ln["sku_code"]) for ln in batch[0]["lines"]] == [(1, "SKU-00001"), (2, "SKU-00002")]
    assert "is_synced" in batch[0]


def test_mark_synced_then_next_batch(erp):
    _, bridge = erp
    first = bridge.poll()
    assert bridge.mark_synced(first) == 3
    assert [r["order_no"] for r in bridge.poll()] == ["SO0001", "SO0000"]
    assert bridge.mark_synced(bridge.poll()) == 2
    assert bridge.poll() == []
    assert bridge.mark_synced([]) == 0


def test_a_row_updated_between_read_and_mark_is_redelivered(erp):
    path, bridge = erp
    batch = bridge.poll()
    erp_update(path, "SO0003", "PAID")
    assert bridge.mark_synced(batch) == 2
    again = bridge.poll()
    assert again[-1]["order_no"] == "SO0003" and again[-1]["status"] == "PAID"
    assert [r["order_no"] for r in again].count("SO0003") == 1


def test_same_second_update_and_null_update_time_are_still_redelivered(erp):
    path, bridge = erp
    batch = bridge.poll()
    # the ERP changes the status without moving update_time (legacy triggers are sloppy)
    erp_update(path, "SO0004", "CANCEL", update_time=batch[0]["update_time"])
    assert bridge.mark_synced(batch) == 2
    assert "SO0004" in {r["order_no"] for r in bridge.poll()}
    erp_update(path, "SO0000", "PAID", update_time=None)
    null_row = next(r for r in ErpBridge(url=bridge.url, batch_size=50).poll() if r["order_no"] == "SO0000")
    assert null_row["update_time"] is None
    assert bridge.mark_synced([null_row]) == 1  # null-safe comparison


def test_crash_before_mark_redelivers_the_same_rows(erp):
    _, bridge = erp
    first = bridge.poll()
    # ... landing committed, then the process died before mark_synced ...
    assert bridge.poll() == first
    assert bridge.mark_synced(first) == 3
    assert bridge.mark_synced(first) == 0  # marking twice is harmless


def test_item_master_and_channel_sku_map(erp):
    _, bridge = erp
    items = bridge.read_items()
    assert items.loc[0, "sku_code"] == "SKU-00001" and items.loc[0, "price_yuan"] == "59.90"
    assert bridge.read_channel_skus().to_dict("records") == [
        {"channel": "taobao", "channel_sku": "TB-1", "sku_code": "SKU-00001"}
    ]


def test_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(ErpUnavailable, match="ORDERHUB_ERP_URL"):
        ErpBridge(url=f"sqlite:///{tmp_path / 'nope.sqlite'}").poll()


def test_default_url_lives_under_orderhub_home(orderhub_home):
    assert ErpBridge().resolved_url == f"sqlite:///{orderhub_home.erp_db}"


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(1, 12), data=st.data())
def test_property_exactly_the_changed_rows_come_back(tmp_path_factory, n, data):
    path = tmp_path_factory.mktemp("erp") / "erp.sqlite"
    make_erp(path, n)
    bridge = ErpBridge(url=f"sqlite:///{path}", batch_size=100)
    batch = bridge.poll()
    changed = data.draw(st.sets(st.sampled_from([r["order_no"] for r in batch])))
    for order_no in changed:
        erp_update(path, order_no, "SHIPPED")
    assert bridge.mark_synced(batch) == n - len(changed)
    again = bridge.poll()
    assert {r["order_no"] for r in again} == changed
    assert all(r["status"] == "SHIPPED" for r in again)
