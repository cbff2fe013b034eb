"""What is really on order, and how late suppliers deliver, from the ERP's purchase orders and the WMS's
goods receipts (feeds: WmsApi.list_purchase_orders / fetch_receipts; both kinds of order, OrderHub's and
those raised elsewhere). Set-based DuckDB over the two frames; no loop per order.

- on order = ordered - received, per purchase order, for orders placed by `as_of`, summed per SKU (split
  by source: OrderHub's suggestions vs raised elsewhere); receipts after `as_of` are not known yet;
- overdue = open past its expected date: units, orders, and the worst delay in days;
- next_expected_at = the earliest expected date among the open orders;
- supplier lead times = received_at - ordered_at of received orders: mean and sd in days per supplier
  (the lead-time variability term of forecasts.safety), and the share delivered late.
"""

from __future__ import annotations

import duckdb
import pandas as pd

SUPPLY_COLUMNS = [
    "sku_id",
    "on_order",
    "on_order_orderhub",
    "on_order_elsewhere",
    "open_orders",
    "overdue_units",
    "overdue_orders",
    "max_days_overdue",
    "next_expected_at",
]

OPEN_SQL = """
with got as (
    select po_no, sum(quantity) as received from receipts where received_at <= $as_of group by po_no
),
open as (
    select po.*, greatest(po.quantity - coalesce(got.received, 0), 0) as outstanding
    from purchase_orders po left join got using (po_no)
    where po.ordered_at <= $as_of
)
select sku_id,
       sum(outstanding)::bigint as on_order,
       sum(outstanding) filter (where source = 'orderhub')::bigint as on_order_orderhub,
       sum(outstanding) filter (where source <> 'orderhub')::bigint as on_order_elsewhere,
       count(*) filter (where outstanding > 0) as open_orders,
       coalesce(sum(outstanding) filter (where outstanding > 0 and expected_at < $as_of), 0)::bigint as overdue_units,
       count(*) filter (where outstanding > 0 and expected_at < $as_of) as overdue_orders,
       coalesce(max(date_diff('day', expected_at, $as_of)) filter (where outstanding > 0 and expected_at < $as_of), 0)
           as max_days_overdue,
       min(expected_at) filter (where outstanding > 0) as next_expected_at
from open
group by sku_id
having sum(outstanding) > 0
order by sku_id
"""

LEAD_SQL = """
with first_receipt as (
    select po_no, min(received_at) as received_at from receipts where received_at <= $as_of group by po_no
)
select po.supplier_id,
       count(*) as deliveries,
       avg(epoch(r.received_at - po.ordered_at) / 86400) as lead_days_mean,
       coalesce(stddev_pop(epoch(r.received_at - po.ordered_at) / 86400), 0) as lead_days_sd,
       avg(case when r.received_at > po.expected_at + interval 1 day then 1 else 0 end) as late_share
from purchase_orders po join first_receipt r using (po_no)
group by po.supplier_id
order by po.supplier_id
"""


def _run(sql: str, purchase_orders: pd.DataFrame, receipts: pd.DataFrame, as_of) -> pd.DataFrame:
    con = duckdb.connect()
    try:
        po = purchase_orders.assign(
            **{c: pd.to_datetime(purchase_orders[c], utc=True) for c in ("ordered_at", "expected_at")}
        )
        rc = receipts.assign(received_at=pd.to_datetime(receipts["received_at"], utc=True))
        con.register("purchase_orders", po)
        con.register("receipts", rc)
        return con.execute(
            sql,
            {
                "as_of": pd.Timestamp(as_of).tz_convert("UTC")
                if pd.Timestamp(as_of).tzinfo
                else pd.Timestamp(as_of, tz="UTC")
            },
        ).df()
    finally:
        con.close()


def supply_by_sku(purchase_orders: pd.DataFrame, receipts: pd.DataFrame, as_of) -> pd.DataFrame:
    """purchase_orders: po_no, source, supplier_id, sku_id, quantity, ordered_at, expected_at;
    receipts: po_no, sku_id, quantity, received_at. One row per SKU with something on order."""
    out = _run(OPEN_SQL, purchase_orders, receipts, as_of)
    for c in ("on_order_orderhub", "on_order_elsewhere"):
        out[c] = out[c].fillna(0).astype("int64")
    return out[SUPPLY_COLUMNS]


def supplier_lead_times(purchase_orders: pd.DataFrame, receipts: pd.DataFrame, as_of) -> pd.DataFrame:
    """supplier_id, deliveries, lead_days_mean, lead_days_sd, late_share (received orders up to as_of)."""
    return _run(LEAD_SQL, purchase_orders, receipts, as_of)
