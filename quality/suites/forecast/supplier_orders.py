"""forecast.supplier_orders: what is on order. A negative quantity would hide a need; an overdue delivery is shown
(not paged: purchasing chases it from the suggestion's reason and this check's sample)."""

from __future__ import annotations

from quality.framework import Rule, TableSuite
from quality.ge import gxe

SUITE = TableSuite(
    table="forecast.supplier_orders",
    key_columns=("po_no",),
    rules=(
        Rule(
            "orders_valid",
            "One row per purchase order; quantities never negative; expected on or after the order time.",
            blocking=True,
            columns=("po_no", "sku_id", "quantity", "received_quantity", "ordered_at", "expected_at"),
            expectations=lambda s, f: [
                gxe.ExpectColumnValuesToBeUnique(column="po_no"),
                gxe.ExpectColumnValuesToNotBeNull(column="sku_id"),
                gxe.ExpectColumnValuesToBeBetween(column="quantity", min_value=0),
                gxe.ExpectColumnValuesToBeBetween(column="received_quantity", min_value=0),
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="expected_at", column_B="ordered_at", or_equal=True
                ),
            ],
        ),
        Rule(
            "no_overdue_deliveries",
            "Warning: open purchase orders past their expected delivery (late suppliers), oldest first.",
            blocking=False,
            alerts=False,
            sample_columns=("po_no", "supplier_id", "sku_id", "outstanding", "expected_at", "days_late"),
            frame=lambda con, w, s: con.execute("""
                with got as (select po_no, sum(quantity) as received from forecast.goods_receipts group by po_no)
                select po.po_no, po.supplier_id, po.sku_id,
                       po.quantity - coalesce(got.received, 0) as outstanding, po.expected_at,
                       round(epoch(po.synced_at - po.expected_at) / 86400, 1) as days_late
                from forecast.supplier_orders po left join got using (po_no)
                where po.quantity > coalesce(got.received, 0)
                order by po.expected_at""").df(),
            expectations=lambda s, f: [gxe.ExpectColumnValuesToBeBetween(column="days_late", max_value=0)],
        ),
    ),
)
