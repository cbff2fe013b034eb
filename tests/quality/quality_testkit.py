"""Crafted hub tables for the quality tests: a small consistent 'good' world, mutated per test."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import duckdb
import pandas as pd

from orderhub import warehouse

T0 = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)


def good_orders(n: int = 6, day: date = date(2026, 11, 10)) -> pd.DataFrame:
    rows = []
    for i in range(n):
        created = T0 + timedelta(minutes=i)
        rows.append(
            {
                "order_id": f"taobao:26123456789012{i:02d}",
                "channel": "taobao",
                "shop_id": "tb-flagship",
                "channel_order_id": f"26123456789012{i:02d}",
                "buyer_key": f"{i:064x}",
                "status": "shipped",
                "order_date": day,
                "created_at": created,
                "paid_at": created + timedelta(minutes=5),
                "shipped_at": created + timedelta(hours=20),
                "completed_at": None,
                "cancelled_at": None,
                "total_fen": 10000,
                "discount_fen": 500,
                "freight_fen": 0,
                "paid_fen": 9500,
                "promotion_type": "双11",
                "receiver_province": "浙江省",
                "receiver_city": "杭州市",
                "source_updated_at": created,
                "ingested_at": created,
            }
        )
    return pd.DataFrame(rows)


def good_lines(orders: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for o in orders.itertuples():
        for line_no, paid in ((1, 6000), (2, 3600)):  # 9600 within [10000 - 500, 10000]
            rows.append(
                {
                    "order_id": o.order_id,
                    "line_no": line_no,
                    "order_date": o.order_date,
                    "channel_sku": f"TB-{line_no}",
                    "sku_id": f"SKU-0000{line_no}",
                    "quantity": 1,
                    "unit_price_fen": 5000,
                    "paid_fen": paid,
                    "status": "shipped",
                }
            )
    return pd.DataFrame(rows)


def crafted_db(path=None, **tables: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    """A warehouse with the real DDL, whose listed tables are replaced by the given frames (no constraints,
    so that duplicates and nulls the DDL would refuse can still be crafted)."""
    con = warehouse.connect(path) if path else duckdb.connect()
    if not path:
        con.execute("set TimeZone = 'UTC'")
        warehouse.apply_ddl(con)
    for name, frame in tables.items():
        table = name.replace("__", ".")
        con.execute(f"drop table if exists {table}")  # tables without DDL here (kpi marts) come from the frame
        con.register("_frame", frame)
        select = ", ".join(f'"{c}"::{_duck_type(table, c, frame[c])} as "{c}"' for c in frame.columns)
        con.execute(f"create table {table} as select {select} from _frame")
        con.unregister("_frame")
    return con


_TYPES: dict[str, dict[str, str]] = {}


def _duck_type(table, column, values: pd.Series) -> str:
    if table not in _TYPES:
        probe = duckdb.connect()
        probe.execute("set TimeZone = 'UTC'")
        warehouse.apply_ddl(probe)
        _TYPES[table] = dict(
            probe.execute(
                "select column_name, data_type from information_schema.columns where table_schema || '.' || "
                "table_name = ?",
                [table],
            ).fetchall()
        )
        probe.close()
    if column in _TYPES[table]:
        return _TYPES[table][column]
    kind = values.dtype.kind
    if kind in "iufbM":
        return {"i": "bigint", "u": "bigint", "f": "double", "b": "boolean", "M": "timestamptz"}[kind]
    first = values.dropna().iloc[0] if values.notna().any() else ""
    return "date" if isinstance(first, date) and not isinstance(first, datetime) else "varchar"


class Receiver:
    """Records every POST; answers with the next scripted (status, body), then 200 + `ok_body`."""

    def __init__(self, ok_body: str = '{"errcode":0,"errmsg":"ok"}'):
        self.requests: list[dict] = []
        self.script: list[tuple[int, str]] = []
        recv = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                recv.requests.append({"path": self.path, "json": json.loads(body)})
                status, text = recv.script.pop(0) if recv.script else (200, ok_body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(text.encode())

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
