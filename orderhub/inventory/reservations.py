"""Reservations: stock promised to paid order lines that have not left a warehouse yet.

Rules (per order line with a mapped hub SKU and a paid_at):
- released 'refunded'  when the line or the order is refunded;
- released 'cancelled' when the line or the order is cancelled (cancel after pay);
- released 'shipped'   when the line is shipped/completed (partial shipments release only their lines),
  the order is completed, or OrderHub's fulfilment task saw the WMS 'ship' event;
- otherwise open, reserving quantity - shipped_qty.
The warehouse is the fulfilment task's when one was allocated, else the order's home warehouse (first in
its province's ranking; WH-HZ when the province is unknown), so a backlog shows where it will bite.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from orderhub.fulfilment import geo
from orderhub.locks import claim
from orderhub.transaction import transaction

DEFAULT_WAREHOUSE = geo.WAREHOUSES[0]

RESERVATIONS_SQL = f"""
with orders as (
    select order_id, channel, status, paid_at, receiver_province from hub.orders where paid_at is not null
),
lines as (
    select order_id, line_no, sku_id, quantity, status from hub.order_lines where sku_id is not null
),
tasks as (
    select order_id, warehouse_id, status from hub.fulfilment_tasks
),
home as ({geo.province_lookup_sql("orders")}),
classified as (
    select
        l.order_id, l.line_no, o.channel, l.sku_id,
        coalesce(t.warehouse_id, h.home_warehouse, '{DEFAULT_WAREHOUSE}') as warehouse_id,
        t.warehouse_id is not null as is_allocated,
        l.quantity,
        case
            when l.status = 'refunded' or o.status = 'refunded' then 'refunded'
            when l.status = 'cancelled' or o.status = 'cancelled' then 'cancelled'
            when l.status in ('shipped', 'completed') or o.status = 'completed' or t.status = 'shipped' then 'shipped'
        end as release_reason,
        o.paid_at
    from lines l
    join orders o using (order_id)
    left join tasks t using (order_id)
    left join home h on h.receiver_province = o.receiver_province
)
select
    order_id, line_no, channel, sku_id, warehouse_id, is_allocated, quantity,
    case when release_reason = 'shipped' then quantity else 0 end as shipped_qty,
    case when release_reason is null then quantity else 0 end as reserved_qty,
    case when release_reason is null then 'open' else 'released' end as status,
    release_reason, paid_at, ? as computed_at
from classified
"""


def build_reservations(con: duckdb.DuckDBPyConnection, now: datetime) -> dict[str, int]:
    """Rebuild inventory.reservations from hub orders/lines and fulfilment tasks, atomically."""
    geo.register(con)
    with transaction(con):
        claim(con, "inventory.reservations")  # concurrent replacements on a lake conflict (orderhub/locks.py)
        con.execute("delete from inventory.reservations")
        con.execute(f"insert into inventory.reservations {RESERVATIONS_SQL}", [now])
        open_lines, reserved = con.execute(
            "select count(*), coalesce(sum(reserved_qty), 0) from inventory.reservations where status = 'open'"
        ).fetchone()
        total = con.execute("select count(*) from inventory.reservations").fetchone()[0]
    return {"lines": total, "open_lines": open_lines, "reserved_units": int(reserved)}
