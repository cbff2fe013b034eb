"""Channel stock conflicts and push-back with faults: failures are logged, alerted and retried next run."""

from datetime import timedelta

from inv_fixtures import NOW, add_stock, connect, map_sku, open_alerts

from orderhub.inventory.availability import build_availability
from orderhub.inventory.channel_stock import build_conflicts, land_listings
from orderhub.inventory.push import push_channel
from orderhub.inventory.reservations import build_reservations


def _setup(con):
    add_stock(
        con,
        [
            ("WH-HZ", "SKU-1", 10, 0),
            ("WH-GZ", "SKU-1", 5, 0),
            ("WH-HZ", "SKU-2", 0, 0),
            ("WH-HZ", "SKU-3", 40, 0),
            ("WH-HZ", "SKU-4", 20, 0),
        ],
    )
    for sku in ("SKU-1", "SKU-2", "SKU-3", "SKU-4"):
        map_sku(con, "taobao", f"tb-{sku}", sku)
    build_reservations(con, NOW)
    build_availability(con, safety_buffer=1, now=NOW)


def test_conflict_types_and_tolerance(orderhub_home):
    con = connect()
    _setup(con)  # available: SKU-1 9+4=13, SKU-2 -1 -> 0, SKU-3 39, SKU-4 19
    land_listings(
        con,
        "taobao",
        [
            {"channel_sku": "tb-SKU-1", "quantity": 15},  # off by 2: within tolerance
            {"channel_sku": "tb-SKU-2", "quantity": 3},  # listed but we are sold out
            {"channel_sku": "tb-SKU-3", "quantity": 0},  # sold out there, 39 here
            {"channel_sku": "tb-SKU-4", "quantity": 30},  # off by 11
            {"channel_sku": "tb-GHOST", "quantity": 1},  # nobody knows this listing
        ],
        NOW,
    )
    counts = build_conflicts(con, tolerance=5, now=NOW)
    rows = dict(con.execute("select channel_sku, conflict_type from inventory.stock_conflicts").fetchall())
    assert rows == {
        "tb-SKU-2": "listed_but_sold_out",
        "tb-SKU-3": "sold_out_but_available",
        "tb-SKU-4": "quantity_mismatch",
        "tb-GHOST": "unmapped_listing",
    }
    assert sum(counts.values()) == 4
    assert (
        con.execute("select difference from inventory.stock_conflicts where channel_sku = 'tb-SKU-4'").fetchone()[0]
        == 11
    )


def test_push_failure_is_logged_alerted_and_retried_next_run(orderhub_home):
    con = connect()
    _setup(con)
    land_listings(con, "taobao", [{"channel_sku": "tb-SKU-1", "quantity": 13}], NOW)  # already right: not pushed
    listed: dict[str, int] = {}
    failing = {"tb-SKU-3"}
    sent: list[list[dict]] = []

    def push(items):
        sent.append(items)
        out = []
        for i in items:
            ok = i["channel_sku"] not in failing
            if ok:
                listed[i["channel_sku"]] = i["quantity"]
            out.append({**i, "ok": ok, "error": None if ok else "HTTP 500 after 4 attempts"})
        return out

    first = push_channel(con, "taobao", push, dry_run=False, now=NOW, run_id="r1")
    assert {i["channel_sku"]: i["quantity"] for i in sent[0]} == {"tb-SKU-2": 0, "tb-SKU-3": 39, "tb-SKU-4": 19}
    assert first["failed"] == 1 and first["pushed_ok"] == 2
    assert "stock_push:taobao:failed" in open_alerts(con, "stock_push_failed")
    failed_row = con.execute("select ok, error from inventory.stock_push_log where channel_sku = 'tb-SKU-3'").fetchone()
    assert failed_row[0] is False and "500" in failed_row[1]

    # Next run: the listing readback shows the successful pushes; the failed SKU is retried, nothing else.
    land_listings(
        con,
        "taobao",
        [{"channel_sku": k, "quantity": v} for k, v in {"tb-SKU-1": 13, **listed}.items()],
        NOW + timedelta(minutes=15),
    )
    failing.clear()
    second = push_channel(con, "taobao", push, dry_run=False, now=NOW + timedelta(minutes=15), run_id="r2")
    assert [i["channel_sku"] for i in sent[1]] == ["tb-SKU-3"]
    assert second == {"planned": 1, "pushed_ok": 1, "failed": 0, "retried": 1, "dry_run": 0}
    assert not open_alerts(con, "stock_push_failed")


def test_failed_sku_retried_even_if_listing_unreadable_and_unreported_sku_counts_as_failure(orderhub_home):
    con = connect()
    _setup(con)

    def silent(items):  # a client that forgets to report one SKU
        return [{**i, "ok": True, "error": None} for i in items if i["channel_sku"] != "tb-SKU-4"]

    stats = push_channel(con, "taobao", silent, dry_run=False, now=NOW)
    assert stats["failed"] == 1
    assert (
        con.execute("select error from inventory.stock_push_log where channel_sku = 'tb-SKU-4'").fetchone()[0]
        == "no result from channel client"
    )


def test_dry_run_sends_nothing_and_logs_plan(orderhub_home):
    con = connect()
    _setup(con)

    def boom(items):
        raise AssertionError("dry run must not call the channel")

    stats = push_channel(con, "taobao", boom, dry_run=True, now=NOW, extra_buffer=3)
    assert stats["planned"] == 4 and stats["dry_run"] == 1
    rows = dict(
        con.execute(
            "select channel_sku, quantity from inventory.stock_push_log where is_dry_run and ok is null"
        ).fetchall()
    )
    assert rows == {"tb-SKU-1": 10, "tb-SKU-2": 0, "tb-SKU-3": 36, "tb-SKU-4": 16}


def test_percentage_tolerance_for_large_stock(orderhub_home):
    con = connect()
    _setup(con)  # SKU-3 available 39
    land_listings(
        con, "taobao", [{"channel_sku": "tb-SKU-3", "quantity": 45}, {"channel_sku": "tb-SKU-4", "quantity": 30}], NOW
    )  # off by 6 and 11
    build_conflicts(con, tolerance=2, now=NOW, tolerance_pct=20)  # tolerates max(2, 8) for 39, max(2, 4) for 19
    assert dict(con.execute("select channel_sku, tolerance from inventory.stock_conflicts").fetchall()) == {
        "tb-SKU-4": 4
    }


def test_snapshot_refuses_empty_or_bad_answers_and_keeps_previous(orderhub_home):
    import pytest

    from orderhub.inventory.snapshot import land_snapshot

    con = connect()
    row = {"warehouse_id": "WH-HZ", "sku_id": "SKU-1", "on_hand": 5, "locked": 1, "updated_at": "2026-11-20T00:00:00Z"}
    newer = {**row, "on_hand": 7, "updated_at": "2026-11-20T01:00:00Z"}
    assert land_snapshot(con, [row, newer], NOW) == 1  # a row read twice while paging: the newest wins
    assert con.execute("select on_hand from inventory.stock_snapshot").fetchone()[0] == 7
    with pytest.raises(ValueError, match="no stock rows"):
        land_snapshot(con, [], NOW)
    with pytest.raises(ValueError, match="negative"):
        land_snapshot(con, [{**row, "on_hand": -3}], NOW)
    with pytest.raises(ValueError, match="lack fields"):
        land_snapshot(con, [{"sku_id": "SKU-1"}], NOW)
    assert con.execute("select count(*), sum(on_hand) from inventory.stock_snapshot").fetchone() == (1, 7)
