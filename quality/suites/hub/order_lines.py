"""hub.order_lines: what was bought. Unmapped SKUs would vanish from inventory and forecasts, and lines
that don't add up to their order would make revenue by SKU disagree with revenue by order."""

from __future__ import annotations

import duckdb
import pandas as pd

from quality.framework import Rule, TableSuite, Window
from quality.ge import gxe
from resources.quality_settings import QualitySettings

KEYS = ("order_id", "line_no", "order_date", "quantity", "status")
MONEY = ("unit_price_fen", "paid_fen", "quantity")


def totals_frame(con: duckdb.DuckDBPyConnection, window: Window, s: QualitySettings) -> pd.DataFrame:
    """Per order: sum of line payments vs the order's goods total. Lines carry the paid amount after their
    share of the discount, so the sum must lie in [total - discount, total]; 1 fen per line is allowed for
    the platforms' rounding when they spread a discount. An order nobody paid for (paid_fen = 0, e.g. closed
    before payment in a seller-center export) may have zero line payments. Orphan lines (no order) show a
    null total; orders without lines show line_count 0."""
    w = window.where("order_date")
    return con.execute(
        f"""
        with orders as (select order_id, total_fen, discount_fen, paid_fen from hub.orders where {w}),
        lines as (
            select order_id, count(*) as line_count, sum(paid_fen) as lines_paid_fen
            from hub.order_lines where {w} group by order_id
        )
        select
            coalesce(o.order_id, l.order_id) as order_id,
            o.total_fen, o.discount_fen, o.paid_fen,
            coalesce(l.line_count, 0) as line_count,
            coalesce(l.lines_paid_fen, 0) as lines_paid_fen,
            case when o.paid_fen = 0 and coalesce(l.lines_paid_fen, 0) = 0 then 0
                 else o.total_fen - o.discount_fen - coalesce(l.line_count, 0) end as lines_min_fen,
            o.total_fen + coalesce(l.line_count, 0) as lines_max_fen
        from orders o full outer join lines l on l.order_id = o.order_id
        order by order_id
        """
    ).df()


SUITE = TableSuite(
    table="hub.order_lines",
    partition_column="order_date",
    key_columns=("order_id", "line_no"),
    rules=(
        Rule(
            "line_unique",
            "Each (order_id, line_no) appears once: the table has no primary-key index (faster "
            "window replacement), so uniqueness is proven here.",
            blocking=True,
            columns=("order_id", "line_no"),
            expectations=lambda s, f: [gxe.ExpectCompoundColumnsToBeUnique(column_list=["order_id", "line_no"])],
        ),
        Rule(
            "keys_not_null",
            "Every line has its order, line number, date, quantity and status.",
            blocking=True,
            columns=KEYS,
            expectations=lambda s, f: [gxe.ExpectColumnValuesToNotBeNull(column=c) for c in KEYS],
        ),
        Rule(
            "money_non_negative",
            "Unit price, paid amount (fen) and quantity are never negative.",
            blocking=True,
            columns=MONEY,
            expectations=lambda s, f: [gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0) for c in MONEY],
        ),
        Rule(
            "sku_mapped",
            "Every line's channel SKU is mapped to a hub SKU (hub.sku_map); fix the map, then re-run.",
            blocking=True,
            columns=("sku_id",),
            sample_columns=("channel_sku", "sku_id"),
            expectations=lambda s, f: [gxe.ExpectColumnValuesToNotBeNull(column="sku_id")],
        ),
        Rule(
            "totals_match_order",
            "Sum of line payments lies between the order's goods total minus its discount and the goods total "
            "(±1 fen per line; an unpaid order may have zero line payments); every order has lines and every "
            "line belongs to an order in hub.orders.",
            blocking=True,
            frame=totals_frame,
            sample_columns=("order_id", "total_fen", "discount_fen", "paid_fen", "line_count", "lines_paid_fen"),
            expectations=lambda s, f: [
                gxe.ExpectColumnValuesToNotBeNull(column="total_fen"),
                gxe.ExpectColumnValuesToBeBetween(column="line_count", min_value=1),
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="lines_paid_fen",
                    column_B="lines_min_fen",
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                ),
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="lines_max_fen",
                    column_B="lines_paid_fen",
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                ),
            ],
        ),
    ),
)
