"""Availability per SKU and warehouse, and the oversell / stock-out alerts derived from it.

available = on_hand - locked - reserved - safety_buffer, kept negative on purpose: a negative number says
how many units are promised that the warehouse cannot ship (oversell). The safety_buffer column is the
buffer actually withheld: the configured units, capped at what is free (on_hand - locked - reserved, at
least 0), so an empty warehouse does not look oversold and available < 0 <=> is_oversold. What channels
are offered is max(sum over warehouses of available, 0) per SKU (see push.py).
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from orderhub.inventory.alerting import sync_alerts
from orderhub.locks import claim
from orderhub.transaction import transaction

ASSET = "inventory.availability"

AVAILABILITY_SQL = """
with stock as (
    select sku_id, warehouse_id, on_hand, locked from inventory.stock_snapshot
),
reserved as (
    select sku_id, warehouse_id, sum(reserved_qty) as reserved
    from inventory.reservations where status = 'open' group by all
),
keys as (
    select sku_id, warehouse_id from stock union select sku_id, warehouse_id from reserved
),
figures as (
    select k.sku_id, k.warehouse_id,
           coalesce(s.on_hand, 0) as on_hand, coalesce(s.locked, 0) as locked,
           cast(coalesce(r.reserved, 0) as integer) as reserved
    from keys k
    left join stock s using (sku_id, warehouse_id)
    left join reserved r using (sku_id, warehouse_id)
),
buffered as (
    select *, cast(least(?, greatest(on_hand - locked - reserved, 0)) as integer) as safety_buffer from figures
)
select sku_id, warehouse_id, on_hand, locked, reserved, safety_buffer,
       on_hand - locked - reserved - safety_buffer as available,
       reserved > on_hand - locked as is_oversold,
       on_hand - locked - reserved - safety_buffer <= 0 as is_stock_out,
       (select coalesce(max(snapshot_at), ?) from inventory.stock_snapshot) as snapshot_at,
       ? as computed_at
from buffered
"""

# SKU level: an oversell is more promised than the whole network holds; a stock-out is nothing left to
# sell anywhere while buyers still wait or the SKU is listed on a channel.
SKU_PROBLEMS_SQL = """
with by_sku as (
    select sku_id, sum(on_hand - locked) as sellable, sum(reserved) as reserved, sum(available) as available
    from inventory.availability group by sku_id
),
wanted as (
    select distinct sku_id from inventory.reservations where status = 'open'
    union select distinct sku_id from inventory.channel_listings where sku_id is not null
)
select sku_id, sellable, reserved, available,
       reserved > sellable as is_oversold,
       available <= 0 and sku_id in (select sku_id from wanted) as is_stock_out
from by_sku
"""


def build_availability(con: duckdb.DuckDBPyConnection, safety_buffer: int, now: datetime) -> dict[str, int]:
    """Rebuild inventory.availability and sync oversell/stock-out alerts in the same transaction."""
    if safety_buffer < 0:
        raise ValueError("safety_buffer must be >= 0")
    with transaction(con):
        claim(con, "inventory.availability")  # concurrent replacements on a lake conflict (orderhub/locks.py)
        con.execute("delete from inventory.availability")
        con.execute(f"insert into inventory.availability {AVAILABILITY_SQL}", [safety_buffer, now, now])
        problems = con.execute(SKU_PROBLEMS_SQL).df()
        oversold = problems[problems["is_oversold"]]
        stock_out = problems[problems["is_stock_out"].fillna(False).astype(bool)]
        over = sync_alerts(
            con,
            prefix="oversell",
            kind="oversell",
            severity="error",
            asset=ASSET,
            cleared_message="oversell cleared",
            current={
                r.sku_id: f"Oversold {r.sku_id}: {int(r.reserved)} units promised, {int(r.sellable)} sellable"
                for r in oversold.itertuples()
            },
        )
        out = sync_alerts(
            con,
            prefix="stock_out",
            kind="stock_out",
            severity="warning",
            asset=ASSET,
            cleared_message="back in stock",
            current={
                r.sku_id: f"Stock-out {r.sku_id}: {int(r.available)} available across warehouses"
                for r in stock_out.itertuples()
            },
        )
        rows = con.execute("select count(*) from inventory.availability").fetchone()[0]
    return {
        "rows": rows,
        "oversold_skus": over["open"],
        "stock_out_skus": out["open"],
        "alerts_raised": over["raised"] + out["raised"],
        "alerts_resolved": over["resolved"] + out["resolved"],
    }
