"""Crafted hub/inventory tables for the forecast asset tests (imported by test_fc_assets.py)."""

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd

AS_OF = date(2026, 11, 20)
DAYS = 84
SKUS = [f"SKU-{i:05d}" for i in range(1, 9)]
WEEKLY = np.array([0.8, 0.9, 1.0, 1.0, 1.1, 1.4, 1.3])


def orders_and_lines(seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    rows = []
    start = AS_OF - timedelta(days=DAYS - 1)
    for k, sku in enumerate(SKUS):
        first = 0 if k < 7 else DAYS - 10  # the last SKU is new: 10 days of history
        for t in range(first, DAYS + 1):  # DAYS + 1: "today" (partial, after the as-of day)
            d = start + timedelta(days=t)
            rows.append((sku, d, int(rng.poisson((k + 1) * 3 * WEEKLY[d.weekday()])) + 1, "paid", None))
        rows.append((sku, start + timedelta(days=40), 500, "cancelled", None))  # never demand
        rows.append((sku, start + timedelta(days=41), 400, "refunded", "双11狂欢"))
        rows.append((sku, start + timedelta(days=42), 300, "pending_payment", None))
    df = pd.DataFrame(rows, columns=["sku_id", "order_date", "quantity", "status", "promotion_type"])
    df["order_id"] = [f"taobao:{i}" for i in range(len(df))]
    local = pd.to_datetime(df["order_date"]).dt.tz_localize("Asia/Shanghai")
    created = local.dt.tz_convert("UTC") + pd.Timedelta(hours=3)
    orders = pd.DataFrame(
        {
            "order_id": df["order_id"],
            "channel": "taobao",
            "shop_id": "tb-flagship",
            "channel_order_id": df.index.astype(str),
            "buyer_key": None,
            "status": df["status"],
            "order_date": df["order_date"],
            "created_at": created,
            "paid_at": created.where(df["status"] != "pending_payment"),
            "shipped_at": None,
            "completed_at": None,
            "cancelled_at": None,
            "total_fen": 1000,
            "discount_fen": 0,
            "freight_fen": 0,
            "paid_fen": 1000,
            "promotion_type": df["promotion_type"],
            "receiver_province": "浙江省",
            "receiver_city": "杭州市",
            "source_updated_at": created,
            "ingested_at": datetime.now(UTC),
        }
    )
    lines = pd.DataFrame(
        {
            "order_id": df["order_id"],
            "line_no": 1,
            "order_date": df["order_date"],
            "channel_sku": df["sku_id"],
            "sku_id": df["sku_id"],
            "quantity": df["quantity"],
            "unit_price_fen": 1000,
            "paid_fen": 1000,
            "status": df["status"],
        }
    )
    return orders, lines


def skus() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sku_id": SKUS,
            "title": "测试商品",
            "category": ["snacks"] * 4 + ["drinks"] * 4,
            "price_fen": 1990,
            "pack_size": 6,
            "min_order_qty": 12,
            "lead_time_days": 7,
            "supplier_id": "SUP-1",
            "updated_at": None,
        }
    )


def availability() -> pd.DataFrame:
    now = datetime.now(UTC)
    return pd.DataFrame(
        {
            "sku_id": SKUS * 2,
            "warehouse_id": ["WH-HZ"] * 8 + ["WH-GZ"] * 8,
            "on_hand": 5,
            "locked": 0,
            "reserved": 0,
            "safety_buffer": 0,
            "available": 5,
            "is_oversold": False,
            "is_stock_out": False,
            "snapshot_at": now,
            "computed_at": now,
        }
    )


def load(con) -> None:
    orders, lines = orders_and_lines()
    for table, frame in (
        ("hub.orders", orders),
        ("hub.order_lines", lines),
        ("hub.skus", skus()),
        ("inventory.availability", availability()),
    ):
        con.register("_f", frame)
        cols = ", ".join(frame.columns)
        con.execute(f"insert into {table} ({cols}) select {cols} from _f")
        con.unregister("_f")
