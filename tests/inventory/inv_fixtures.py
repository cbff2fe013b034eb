"""Crafted hub/inventory rows for the inventory, fulfilment and after-sales tests (imported by test modules)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb

from orderhub import settings, warehouse
from orderhub.upsert import insert_or_replace

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def connect() -> duckdb.DuckDBPyConnection:
    return warehouse.connect(settings.warehouse_target())


def add_order(
    con,
    order_id: str,
    *,
    status: str = "paid",
    province: str = "浙江省",
    lines=(("SKU-1", 1),),
    line_status: list[str] | None = None,
    paid_fen: int = 10_000,
    buyer_key: str | None = "b1",
    paid_minutes_ago: int = 60,
    channel: str | None = None,
) -> None:
    """One order plus its lines; line i gets line_status[i] or the order status."""
    channel = channel or order_id.split(":")[0]
    created = NOW - timedelta(minutes=paid_minutes_ago + 5)
    paid = None if status == "pending_payment" else NOW - timedelta(minutes=paid_minutes_ago)
    con.execute(
        "insert into hub.orders (order_id, channel, shop_id, channel_order_id, buyer_key, status, order_date, "
        "created_at,"
        " paid_at, total_fen, discount_fen, freight_fen, paid_fen, receiver_province, receiver_city, source_updated_at,"
        " ingested_at) values (?, ?, 'shop', ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, 'city', ?, ?)",
        [
            order_id,
            channel,
            order_id.split(":", 1)[1],
            buyer_key,
            status,
            created.date(),
            created,
            paid,
            paid_fen,
            paid_fen,
            province,
            NOW,
            NOW,
        ],
    )
    for i, (sku, qty) in enumerate(lines, start=1):
        st = line_status[i - 1] if line_status else status
        con.execute(
            "insert into hub.order_lines values (?, ?, ?, ?, ?, ?, 100, ?, ?)",
            [order_id, i, created.date(), f"c-{sku}" if sku else "c-unknown", sku, qty, 100 * qty, st],
        )


def add_stock(con, rows) -> None:
    """rows: (warehouse_id, sku_id, on_hand, locked)."""
    for wh, sku, on_hand, locked in rows:
        insert_or_replace(
            con,
            "inventory.stock_snapshot",
            ["warehouse_id", "sku_id"],
            "select ?, ?, ?, ?, ?::timestamptz, ?::timestamptz",
            [wh, sku, on_hand, locked, NOW, NOW],
        )


def map_sku(con, channel: str, channel_sku: str, sku_id: str) -> None:
    insert_or_replace(
        con,
        "hub.sku_map",
        ["channel", "channel_sku"],
        "select ?, ?, ?",
        [channel, channel_sku, sku_id],
        columns=["channel", "channel_sku", "sku_id"],
    )


def open_alerts(con, kind: str | None = None) -> set[str]:
    sql = "select dedupe_key from ops.alerts where resolved_at is null and kind <> 'recovered'"
    params = []
    if kind:
        sql += " and kind = ?"
        params.append(kind)
    return {r[0] for r in con.execute(sql, params).fetchall()}
