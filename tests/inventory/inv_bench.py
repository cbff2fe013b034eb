"""Scale figures for the inventory/fulfilment SQL (not a test): `python tests/inventory/inv_bench.py [orders]`.

Builds a synthetic hub of N orders (~1.5 lines each, 300 SKUs, 3 warehouses, ~2% still paid) in a temp
warehouse and prints the wall time of allocation, reservations, availability and order tags.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from orderhub import warehouse
from orderhub.fulfilment.allocate import allocate
from orderhub.fulfilment.tags import build_order_tags
from orderhub.inventory.availability import build_availability
from orderhub.inventory.reservations import build_reservations

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def build(con, n: int) -> None:
    con.execute(
        """
        insert into hub.orders (order_id, channel, shop_id, channel_order_id, buyer_key, status, order_date, created_at,
            paid_at, shipped_at, completed_at, cancelled_at, total_fen, discount_fen, freight_fen, paid_fen,
            promotion_type, receiver_province, receiver_city, source_updated_at, ingested_at)
        select 'taobao:' || i, 'taobao', 'shop', cast(i as varchar), 'b' || (i % (? // 3)),
               case when i % 50 = 0 then 'paid' when i % 20 = 1 then 'cancelled' else 'completed' end,
               date '2026-11-01' + cast(i % 19 as integer), timestamptz '2026-11-01' + to_seconds(i * 7),
               timestamptz '2026-11-01' + to_seconds(i * 7 + 60), null, null, null,
               (i % 700) * 300, 0, 0, (i % 700) * 300, 'promo',
               ['浙江省', '广东省', '四川省', '新疆维吾尔自治区', '北京市'][1 + i % 5], 'city', now(), now()
        from range(?) t(i)""",
        [n, n],
    )
    con.execute("""
        insert into hub.order_lines
        select o.order_id, l.line_no, o.order_date, 'c', 'SKU-' || lpad(cast(1 + hash(o.order_id || l.line_no) % 300
               as varchar), 5, '0'), 1 + (l.line_no % 2), 100, 100, o.status
        from hub.orders o, range(1, 3) l(line_no)
        where l.line_no = 1 or hash(o.order_id) % 2 = 0""")
    con.execute("""
        insert into inventory.stock_snapshot
        select w, 'SKU-' || lpad(cast(s as varchar), 5, '0'), 50 + s % 40, s % 3, now(), now()
        from range(1, 301) t(s), (values ('WH-HZ'), ('WH-GZ'), ('WH-CD')) v(w)""")


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        con = warehouse.connect(Path(tmp) / "bench.duckdb")
        t0 = time.perf_counter()
        build(con, n)
        print(
            f"orders={n:,} lines={con.execute('select count(*) from hub.order_lines').fetchone()[0]:,}"
            f" build={time.perf_counter() - t0:.2f}s"
        )
        for name, fn in [
            ("allocate", lambda: allocate(con, NOW)),
            ("allocate (re-run)", lambda: allocate(con, NOW)),
            ("reservations", lambda: build_reservations(con, NOW)),
            ("availability", lambda: build_availability(con, 2, NOW)),
            ("order_tags", lambda: build_order_tags(con, 100_000, NOW)),
        ]:
            t0 = time.perf_counter()
            out = fn()
            print(f"{name:<18} {time.perf_counter() - t0:6.2f}s  {out}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
