"""A small crafted warehouse whose KPIs are known by hand (see the expected figures in the tests).

Times are UTC; 2026-11-19 02:00Z is 10:00 on Thursday 2026-11-19 in Beijing. "Now" is AS_OF.
Tables another engineer has not landed yet are created here with the columns the models expect
(`EXPECTED_UPSTREAM`), so the models can be built and tested before the real DDL exists.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from orderhub import warehouse
from orderhub.sqlmodels import project, run

AS_OF = "2026-11-20T12:00:00+00:00"
VARIABLES = {"as_of_at": AS_OF}

# Only created when missing (a real DDL file in orderhub/ddl wins).
EXPECTED_UPSTREAM: dict[str, str] = {}


def ts(value: str) -> pd.Timestamp:
    return pd.Timestamp(value, tz="UTC")


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    frame = pd.DataFrame(rows)  # noqa: F841 - read by name in the SQL
    con.execute(f"insert into {table} by name select * from frame")


def _order(
    order_id: str, channel: str, status: str, created: str, paid: str | None, shipped: str | None = None
) -> dict:
    created_at = ts(created)
    return {
        "order_id": order_id,
        "channel": channel,
        "shop_id": f"{channel}-shop",
        "channel_order_id": order_id.split(":")[1],
        "status": status,
        "order_date": (created_at.tz_convert("Asia/Shanghai")).date(),
        "created_at": created_at,
        "paid_at": ts(paid) if paid else None,
        "shipped_at": ts(shipped) if shipped else None,
        "total_fen": 1000,
        "discount_fen": 0,
        "freight_fen": 0,
        "paid_fen": 1000,
        "source_updated_at": created_at,
        "ingested_at": created_at,
    }


def _task(
    order_id: str,
    channel: str,
    paid: str,
    *,
    picked_up: str,
    allocated: str | None,
    waybill: str | None,
    sent: str | None,
    status: str,
    shipped: str | None = None,
) -> dict:
    return {
        "task_id": f"FT-{order_id}",
        "order_id": order_id,
        "channel": channel,
        "channel_order_id": order_id.split(":")[1],
        "status": status,
        "warehouse_id": "WH-HZ",
        "waybill_idempotency_key": f"wb-{order_id}",
        "wms_idempotency_key": f"wms-{order_id}",
        "paid_at": ts(paid),
        "created_at": ts(picked_up),
        "allocated_at": ts(allocated) if allocated else None,
        "waybill_at": ts(waybill) if waybill else None,
        "sent_to_wms_at": ts(sent) if sent else None,
        "shipped_at": ts(shipped) if shipped else None,
        "updated_at": ts(picked_up),
    }


def _event(event_id: int, order_id: str, event_type: str, operator: str, at: str) -> dict:
    return {
        "event_id": event_id,
        "task_id": f"T-{order_id}",
        "order_id": order_id,
        "event_type": event_type,
        "operator_id": operator,
        "warehouse_id": "WH-HZ",
        "occurred_at": ts(at),
        "landed_at": ts(at),
    }


def _ticket(code: str, order_id: str, channel: str, ticket_type: str) -> dict:
    at = ts("2026-11-19T20:00Z")
    return {
        "ticket_code": code,
        "source": "channel_api",
        "channel": channel,
        "order_id": order_id,
        "channel_order_id": order_id.split(":")[1],
        "ticket_type": ticket_type,
        "status": "open",
        "source_status": "x",
        "created_at": at,
        "updated_at": at,
        "ingested_at": at,
    }


def _suggestion(sid: str, sku: str, day: str, qty: int, post_status: str, out: str | None = None) -> dict:
    return {
        "suggestion_id": sid,
        "suggestion_date": pd.Timestamp(day).date(),
        "sku_id": sku,
        "category": "toys",
        "forecast_7d": 30.0,
        "forecast_7d_lower": 20.0,
        "forecast_7d_upper": 40.0,
        "safety_stock": 12.0,
        "trigger_level": 18.0,
        "lead_time_days": 7,
        "review_days": 7,
        "demand_over_cover": 60.0,
        "available": 0,
        "on_order": 0,
        "net_need": 48.0,
        "min_order_qty": 10,
        "pack_size": 10,
        "suggested_qty": qty,
        "days_of_cover": 0.0 if out is None else float((pd.Timestamp(out) - pd.Timestamp(day)).days),
        "stockout_date": None if out is None else pd.Timestamp(out).date(),
        "surge": False,
        "reason": f"projected position below safety stock 12 ({sku})",
        "post_status": post_status,
        "created_at": ts(f"{day}T01:00Z"),
    }


def seed(con: duckdb.DuckDBPyConnection) -> None:
    for table, columns in EXPECTED_UPSTREAM.items():
        con.execute(f"create table if not exists {table} ({columns})")
    insert(
        con,
        "hub.orders",
        [
            _order("taobao:o1", "taobao", "shipped", "2026-11-19T01:55Z", "2026-11-19T02:00Z", "2026-11-19T04:00Z"),
            _order("taobao:o2", "taobao", "shipped", "2026-11-19T01:55Z", "2026-11-19T02:00Z", "2026-11-19T06:00Z"),
            _order("douyin:o3", "douyin", "shipped", "2026-11-19T02:55Z", "2026-11-19T03:00Z", "2026-11-19T05:00Z"),
            _order("douyin:o4", "douyin", "paid", "2026-11-19T02:55Z", "2026-11-19T03:00Z"),
            _order("taobao:o5", "taobao", "pending_payment", "2026-11-19T03:00Z", None),
            _order("douyin:o6", "douyin", "cancelled", "2026-11-19T03:00Z", "2026-11-19T03:05Z"),
            _order("taobao:o7", "taobao", "paid", "2026-11-20T11:25Z", "2026-11-20T11:30Z"),
        ],
    )
    insert(
        con,
        "hub.order_lines",
        [
            {
                "order_id": "douyin:o4",
                "line_no": 1,
                "order_date": pd.Timestamp("2026-11-19").date(),
                "sku_id": "SKU-2",
                "quantity": 3,
                "unit_price_fen": 300,
                "paid_fen": 900,
                "status": "paid",
            },
        ],
    )
    insert(
        con,
        "hub.fulfilment_tasks",
        [
            _task(
                "taobao:o1",
                "taobao",
                "2026-11-19T02:00Z",
                picked_up="2026-11-19T02:02Z",
                allocated="2026-11-19T02:02Z",
                waybill="2026-11-19T02:05Z",
                sent="2026-11-19T02:10Z",
                status="shipped",
                shipped="2026-11-19T04:00Z",
            ),
            # 40 minutes: 3 to pick up, 30 on backorder, 3 for the waybill, 4 for the WMS → breach, waited on stock
            _task(
                "taobao:o2",
                "taobao",
                "2026-11-19T02:00Z",
                picked_up="2026-11-19T02:03Z",
                allocated="2026-11-19T02:33Z",
                waybill="2026-11-19T02:36Z",
                sent="2026-11-19T02:40Z",
                status="shipped",
                shipped="2026-11-19T06:00Z",
            ),
            _task(
                "douyin:o3",
                "douyin",
                "2026-11-19T03:00Z",
                picked_up="2026-11-19T03:01Z",
                allocated="2026-11-19T03:01Z",
                waybill="2026-11-19T03:10Z",
                sent="2026-11-19T03:20Z",
                status="shipped",
                shipped="2026-11-19T05:00Z",
            ),
            _task(
                "taobao:o7",
                "taobao",
                "2026-11-20T11:30Z",
                picked_up="2026-11-20T11:31Z",
                allocated="2026-11-20T11:31Z",
                waybill="2026-11-20T11:35Z",
                sent="2026-11-20T11:40Z",
                status="sent_to_wms",
            ),
        ],
    )
    insert(
        con,
        "ops.wms_events",
        [
            # baseline day (before OrderHub): A and B handle 2 orders each → 2.0 per operator
            _event(1, "h1", "pick", "A", "2026-11-01T02:00Z"),
            _event(2, "h2", "pick", "A", "2026-11-01T02:10Z"),
            _event(3, "h3", "pick", "B", "2026-11-01T02:20Z"),
            _event(4, "h4", "pack", "B", "2026-11-01T02:30Z"),
            _event(5, "h1", "ship", "C", "2026-11-01T05:00Z"),  # ship events do not count as handling
            # 2026-11-19: A picks o1 o2 o3 and packs o1 (3 orders), B packs o2 o3 (2) → 2.5 per operator, +25%
            _event(10, "taobao:o1", "pick", "A", "2026-11-19T02:15Z"),
            _event(11, "taobao:o2", "pick", "A", "2026-11-19T02:45Z"),
            _event(12, "douyin:o3", "pick", "A", "2026-11-19T03:25Z"),
            _event(13, "taobao:o1", "pack", "A", "2026-11-19T02:30Z"),
            _event(14, "taobao:o2", "pack", "B", "2026-11-19T03:00Z"),
            _event(15, "douyin:o3", "pack", "B", "2026-11-19T03:40Z"),
        ],
    )
    insert(
        con,
        "hub.after_sales_tickets",
        [
            _ticket("t1", "taobao:o1", "taobao", "wrong_item"),
            _ticket("t2", "taobao:o2", "taobao", "wrong_address"),
            _ticket("t3", "douyin:o3", "douyin", "damaged"),
        ],
    )
    calls = [("taobao", i < 9) for i in range(10)] + [("douyin", True)] * 5 + [("wms", True)] * 5
    insert(
        con,
        "ops.api_calls",
        [
            {
                "call_id": f"c{i}",
                "channel": ch,
                "endpoint": "/x" if ok else "/orders",
                "started_at": ts("2026-11-19T04:00Z"),
                "duration_ms": 12.5,
                "http_status": 200 if ok else 503,
                "attempt": 1,
                "ok": ok,
                "error": None if ok else "503",
            }
            for i, (ch, ok) in enumerate(calls)
        ],
    )
    insert(
        con,
        "hub.skus",
        [
            {
                "sku_id": s,
                "title": f"商品 {s}",
                "category": "toys",
                "price_fen": 300,
                "pack_size": 1,
                "min_order_qty": 1,
                "lead_time_days": 7,
            }
            for s in ("SKU-1", "SKU-2")
        ],
    )
    snap = ts("2026-11-20T11:00Z")
    insert(
        con,
        "inventory.availability",
        [
            {
                "sku_id": "SKU-1",
                "warehouse_id": "WH-HZ",
                "on_hand": 2,
                "locked": 0,
                "reserved": 2,
                "safety_buffer": 0,
                "available": 0,
                "is_oversold": False,
                "is_stock_out": True,
                "snapshot_at": snap,
                "computed_at": snap,
            },
            {
                "sku_id": "SKU-1",
                "warehouse_id": "WH-GZ",
                "on_hand": 5,
                "locked": 0,
                "reserved": 0,
                "safety_buffer": 0,
                "available": 5,
                "is_oversold": False,
                "is_stock_out": False,
                "snapshot_at": snap,
                "computed_at": snap,
            },
            {
                "sku_id": "SKU-2",
                "warehouse_id": "WH-HZ",
                "on_hand": 1,
                "locked": 0,
                "reserved": 3,
                "safety_buffer": 0,
                "available": -2,
                "is_oversold": True,
                "is_stock_out": True,
                "snapshot_at": snap,
                "computed_at": snap,
            },
        ],
    )
    insert(
        con,
        "forecast.replenishment_suggestions",
        [
            _suggestion("s0", "SKU-1", "2026-11-19", 99, "accepted"),  # an older day: not on top
            _suggestion("s1", "SKU-1", "2026-11-20", 40, "pending", out="2026-11-25"),
            _suggestion("s2", "SKU-2", "2026-11-20", 60, "accepted", out="2026-11-21"),
            _suggestion("s3", "SKU-2", "2026-11-20", 500, "superseded"),  # history, not a suggestion
        ],
    )
    seed_forecast_quality(con)


def _loop_row(run_at: str, lead: str, policy: str, fill: float, days: float, level: float = 0.95) -> dict:
    return {
        "run_at": ts(run_at),
        "first_day": pd.Timestamp("2026-09-25").date(),
        "last_day": pd.Timestamp("2026-11-19").date(),
        "lead_time_days": lead,
        "policy": policy,
        "service_level": level,
        "fill_rate": fill,
        "inventory_days": days,
        "avg_inventory_units": days * 100,
        "stockout_sku_days": 10,
        "orders": 50,
        "units_bought": 5000,
    }


def seed_forecast_quality(con: duckdb.DuckDBPyConnection) -> None:
    """A backtest (model WAPE 0.4 and bias -5%, seasonal naive 0.5) and two closed-loop runs (only the newer counts)."""
    at = ts("2026-11-20T00:30Z")
    insert(
        con,
        "forecast.backtest",
        [
            {
                "origin_date": pd.Timestamp("2026-11-12").date(),
                "method": m,
                "wape": w,
                "mase": 1.0,
                "bias": b,
                "actual_units": 100.0,
                "forecast_units": 100.0 * (1 + b),
                "abs_error": 100.0 * w,
                "n_skus": 3,
                "seconds": 0.0,
                "run_at": at,
            }
            for m, w, b in (("model", 0.4, -0.05), ("seasonal_naive", 0.5, 0.02))
        ],
    )
    insert(
        con,
        "forecast.replenishment_loop",
        [
            _loop_row("2026-11-19T00:00Z", "catalogue", "orderhub", 0.5, 99.0),  # an older run: ignored
            _loop_row("2026-11-20T00:00Z", "catalogue", "orderhub", 0.975, 20.0),
            _loop_row("2026-11-20T00:00Z", "catalogue", "rop_ma28", 0.95, 22.0),
            _loop_row("2026-11-20T00:00Z", "catalogue", "rop_ma28@matched", 0.976, 30.0, 0.99),
        ],
    )


def seed_reconciliation(con: duckdb.DuckDBPyConnection) -> None:
    rows = []
    for day, missing, ok in (("2026-11-10", 0, True), ("2026-11-18", 0, True), ("2026-11-19", 2, False)):
        rows.append(
            {
                "recon_date": pd.Timestamp(day).date(),
                "channel": "erp",
                "shop_id": "erp-wholesale",
                "source": "erp_db",
                "source_orders": 10,
                "hub_orders": 10 - missing,
                "matched_orders": 10 - missing,
                "missing_in_hub": missing,
                "missing_in_source": 0,
                "amount_mismatch": 0,
                "status_mismatch": 0,
                "in_flight": 0,
                "source_paid_fen": 1000,
                "hub_paid_fen": 1000,
                "is_match": ok,
                "checked_at": ts(f"{day}T23:00Z"),
            }
        )
    insert(con, "ops.reconciliation", rows)


def build_all(con: duckdb.DuckDBPyConnection, variables: dict | None = None) -> dict[str, int]:
    """Build every model in dependency order; returns row counts by relation."""
    return {
        m.relation: run.materialize(con, m, VARIABLES if variables is None else variables)
        for m in project.build_order(project.discover())
    }


def seeded_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    con = warehouse.connect(path)
    seed(con)
    seed_reconciliation(con)
    build_all(con)
    return con
