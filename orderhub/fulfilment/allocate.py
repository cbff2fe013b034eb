"""Turn paid orders into fulfilment tasks: allocate a warehouse or put the order on backorder.

Rule: orders are served oldest payment first; each order goes to the first warehouse in its province's
ranking (geo.py) whose free stock covers all its open lines, after older orders took theirs. Free stock =
on_hand - locked - units in tasks already allocated there and not yet shipped. Safety buffers do not apply:
they protect channel listings, while these buyers have already paid. No warehouse -> 'backorder' (retried
every run) and a stock-out alert to purchasing per short SKU. An order with an unmapped SKU line is
'blocked' (reason unmapped_sku) until the mapping exists. A task already sent to the WMS whose order was
cancelled or refunded raises a 'shipment_intercept' alert (the WMS API cannot cancel tasks).
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from orderhub.fulfilment import geo
from orderhub.inventory.alerting import sync_alerts
from orderhub.transaction import transaction
from orderhub.upsert import insert_or_replace

ASSET = "hub.fulfilment_tasks"
OPEN_TASK = ("allocated", "waybill_issued", "sent_to_wms")
RETRY_STATES = ("backorder", "blocked", "wms_rejected")

PREPARE_SQL = f"""
create or replace temp table fa_candidates as
with retry as (select order_id from hub.fulfilment_tasks where status in {RETRY_STATES}),
orders as (
    select o.order_id, o.channel, o.channel_order_id, o.paid_at, o.receiver_province
    from hub.orders o
    where o.status = 'paid' and o.paid_at is not null
      and (o.order_id in (select order_id from retry)
           or o.order_id not in (select order_id from hub.fulfilment_tasks))
),
lines as (
    select l.order_id, l.sku_id, sum(l.quantity) as quantity, bool_or(l.sku_id is null) as is_unmapped
    from hub.order_lines l join orders using (order_id)
    where l.status not in ('shipped', 'completed', 'cancelled', 'refunded')
    group by l.order_id, l.sku_id
)
select o.*, list({{'sku_id': l.sku_id, 'quantity': cast(l.quantity as integer)}} order by l.sku_id) as lines,
       bool_or(l.is_unmapped) as is_unmapped
from orders o join lines l using (order_id)
group by all;

create or replace temp table fa_demand as
with matched as ({geo.province_lookup_sql("fa_candidates")}),
ranking as (select distinct province, warehouse_id, rank from geo_rank),
demand as (select order_id, paid_at, unnest(lines, recursive := true) from fa_candidates where not is_unmapped)
select d.order_id, d.paid_at, r.warehouse_id, r.rank, d.sku_id, d.quantity
from demand d
join fa_candidates c using (order_id)
left join matched m on m.receiver_province = c.receiver_province
join ranking r on r.province = coalesce(m.province, '{geo.PROVINCES[0][0]}');

create or replace temp table fa_free as
with committed as (
    select warehouse_id, sku_id, sum(quantity) as quantity
    from (select warehouse_id, unnest(from_json(lines, '[{{"sku_id":"VARCHAR","quantity":"INTEGER"}}]'),
                                      recursive := true)
          from hub.fulfilment_tasks where status in {OPEN_TASK})
    group by all
)
select s.warehouse_id, s.sku_id, s.on_hand - s.locked - coalesce(c.quantity, 0) as free
from inventory.stock_snapshot s left join committed c using (warehouse_id, sku_id);

create or replace temp table fa_alloc (order_id varchar, warehouse_id varchar);
"""

# One pass per ranking position: orders not yet placed try their rank-N warehouse in payment order.
PASS_SQL = """
insert into fa_alloc
with d as (
    select d.*, sum(d.quantity) over (partition by d.warehouse_id, d.sku_id order by d.paid_at, d.order_id) as cum
    from fa_demand d
    where d.rank = $rank and d.order_id not in (select order_id from fa_alloc)
)
select d.order_id, any_value(d.warehouse_id)
from d left join fa_free f using (warehouse_id, sku_id)
group by d.order_id
having bool_and(d.cum <= coalesce(f.free, 0));

update fa_free f set free = f.free - x.quantity
from (select d.warehouse_id, d.sku_id, sum(d.quantity) as quantity
      from fa_demand d join fa_alloc a using (order_id, warehouse_id) where d.rank = $rank group by all) x
where f.warehouse_id = x.warehouse_id and f.sku_id = x.sku_id;
"""

# MERGE INTO hub.fulfilment_tasks on task_id: new tasks insert these columns, existing ones update UPSERT_UPDATE
UPSERT_COLUMNS = [
    "task_id", "order_id", "channel", "channel_order_id", "status", "status_reason", "warehouse_id",
    "receiver_province", "lines", "waybill_idempotency_key", "wms_idempotency_key", "paid_at", "created_at",
    "allocated_at", "attempts", "updated_at",
]  # fmt: skip
UPSERT_UPDATE = ["status", "status_reason", "warehouse_id", "lines", "allocated_at", "updated_at"]
UPSERT_SQL = """
select 'FT-' || c.order_id, c.order_id, c.channel, c.channel_order_id,
       case when c.is_unmapped then 'blocked' when a.warehouse_id is null then 'backorder' else 'allocated' end,
       case when c.is_unmapped then 'unmapped_sku' when a.warehouse_id is null then 'no_stock' end,
       a.warehouse_id, c.receiver_province, to_json(c.lines),
       'wb-' || sha256(c.order_id)[:32], 'wms-' || sha256(c.order_id)[:32],
       c.paid_at, $now, case when a.warehouse_id is not null then $now end, 0, $now
from fa_candidates c left join fa_alloc a using (order_id)
"""

# Waiting tasks whose order left 'paid' (cancelled, refunded, shipped by hand) stop waiting.
CLOSE_SQL = f"""
update hub.fulfilment_tasks t set status = 'cancelled', status_reason = 'order_' || o.status, updated_at = $now
from hub.orders o
where o.order_id = t.order_id and o.status <> 'paid' and t.status in {RETRY_STATES + ("allocated", "waybill_issued")}
"""

# Tasks already in the warehouse whose buyer cancelled or was refunded: the parcel must be intercepted.
INTERCEPT_SQL = """
select t.order_id, o.status, t.warehouse_id, t.wms_task_id
from hub.fulfilment_tasks t join hub.orders o using (order_id)
where t.status = 'sent_to_wms' and o.status in ('cancelled', 'refunded')
"""

SHORT_SKUS_SQL = """
with waiting as (
    select sku_id, sum(quantity) as demand, count(distinct order_id) as orders
    from (select order_id, unnest(from_json(lines, '[{"sku_id":"VARCHAR","quantity":"INTEGER"}]'), recursive := true)
          from hub.fulfilment_tasks where status = 'backorder')
    group by all
),
best as (select sku_id, max(free) as free from fa_free group by sku_id)
select w.sku_id, w.demand, w.orders, coalesce(b.free, 0) as free
from waiting w left join best b using (sku_id)
where w.demand > coalesce(b.free, 0)
"""


def allocate(con: duckdb.DuckDBPyConnection, now: datetime) -> dict[str, int]:
    """Create/refresh tasks for paid orders, atomically; sync backorder alerts. Returns counts by outcome."""
    geo.register(con)
    with transaction(con):
        con.execute(CLOSE_SQL, {"now": now})
        con.execute(PREPARE_SQL)
        for rank in range(1, len(geo.WAREHOUSES) + 1):
            for statement in PASS_SQL.split(";"):
                if statement.strip():
                    con.execute(statement, {"rank": rank})
        insert_or_replace(
            con,
            "hub.fulfilment_tasks",
            ["task_id"],
            UPSERT_SQL,
            {"now": now},
            columns=UPSERT_COLUMNS,
            update=UPSERT_UPDATE,
        )
        short = con.execute(SHORT_SKUS_SQL).fetchall()
        alerts = sync_alerts(
            con,
            prefix="backorder",
            kind="stock_out",
            severity="warning",
            asset=ASSET,
            cleared_message="backorders for SKU cleared",
            current={
                sku: f"Purchasing: {orders} paid orders wait for {sku} ({demand} units, best warehouse has {free})"
                for sku, demand, orders, free in short
            },
        )
        intercept = sync_alerts(
            con,
            prefix="intercept",
            kind="shipment_intercept",
            severity="error",
            asset=ASSET,
            cleared_message="no longer waiting in the warehouse",
            current={
                oid: f"Intercept {oid}: order {status} but WMS task {task} at {wh} is still open"
                for oid, status, wh, task in con.execute(INTERCEPT_SQL).fetchall()
            },
        )
        counts = dict(
            con.execute(
                "select coalesce(case when c.is_unmapped then 'blocked' when a.warehouse_id is null then 'backorder'"
                " else 'allocated' end, '?'), count(*) from fa_candidates c left join fa_alloc a using (order_id) "
                "group by 1"
            ).fetchall()
        )
    return {
        "allocated": counts.get("allocated", 0),
        "backorder": counts.get("backorder", 0),
        "blocked": counts.get("blocked", 0),
        "short_skus": alerts["open"],
        "to_intercept": intercept["open"],
    }
