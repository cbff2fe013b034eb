"""Reads and writes of the forecast tables (DuckDB, Dagster-free). Every write is one transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime

import duckdb
import pandas as pd

from orderhub.locks import claim
from orderhub.transaction import transaction

# Units per SKU and business day from paid, not cancelled/refunded orders and lines; every day from the SKU's
# first sale to the as-of day is present (zeros filled by a date spine), all in one set-based query.
DAILY_DEMAND_SQL = """
with orders as (
    select order_id, order_date, status, paid_at, promotion_type from hub.orders
),
lines as (
    select order_id, sku_id, quantity, status from hub.order_lines
),
paid_lines as (
    select lines.sku_id, orders.order_date as demand_date, lines.quantity, orders.order_id,
           coalesce(orders.promotion_type, '') <> '' as is_promo
    from lines
    join orders using (order_id)
    where orders.paid_at is not null
      and orders.status not in ('cancelled', 'refunded', 'pending_payment')
      and lines.status not in ('cancelled', 'refunded')
      and lines.sku_id is not null
      and orders.order_date <= $as_of
),
per_day as (
    select sku_id, demand_date, sum(quantity) as units,
           sum(case when is_promo then quantity else 0 end) as promo_units,
           count(distinct order_id) as paid_orders
    from paid_lines
    group by all
),
spine as (
    select sku_id, unnest(generate_series(min(demand_date), $as_of::date, interval 1 day))::date as demand_date
    from per_day
    group by sku_id
)
select spine.sku_id, spine.demand_date, coalesce(per_day.units, 0), coalesce(per_day.promo_units, 0),
       coalesce(per_day.paid_orders, 0), per_day.sku_id is null, $built_at
from spine
left join per_day using (sku_id, demand_date)
"""


def default_as_of(con: duckdb.DuckDBPyConnection) -> date | None:
    """The last complete business day: the newest order_date is still filling, so the day before it."""
    row = con.execute("select max(order_date) - 1 from hub.orders").fetchone()
    return row[0] if row and row[0] else None


def build_daily_demand(con: duckdb.DuckDBPyConnection, as_of: date) -> dict:
    built_at = datetime.now(UTC)
    params = {"as_of": as_of, "built_at": built_at}
    with transaction(con):
        claim(con, "forecast.daily_demand")  # concurrent replacements on a lake conflict (orderhub/locks.py)
        con.execute("delete from forecast.daily_demand")
        con.execute(f"insert into forecast.daily_demand {DAILY_DEMAND_SQL}", params)
    stats = con.execute(
        "select count(*), count(distinct sku_id), coalesce(sum(units), 0), min(demand_date), max(demand_date),"
        " count(*) filter (where is_zero_filled) from forecast.daily_demand"
    ).fetchone()
    unmapped = con.execute(
        "select coalesce(sum(l.quantity), 0) from hub.order_lines l join hub.orders o using (order_id)"
        " where l.sku_id is null and o.paid_at is not null and o.order_date <= ?",
        [as_of],
    ).fetchone()[0]
    return {
        "rows": stats[0],
        "skus": stats[1],
        "units": int(stats[2]),
        "first_day": str(stats[3]),
        "last_day": str(stats[4]),
        "zero_filled_rows": stats[5],
        "unmapped_paid_units_excluded": int(unmapped),
    }


def read_daily(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "select sku_id, demand_date, units::double as units, promo_units::double as promo_units"
        " from forecast.daily_demand order by sku_id, demand_date"
    ).df()


def replace_table(
    con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, where: str = "true", params: list | None = None
) -> int:
    """Delete `where` rows and insert `frame` (columns by name) in one transaction."""
    cols = ", ".join(frame.columns)
    with transaction(con):
        claim(con, table)  # concurrent replacements on a lake conflict (orderhub/locks.py)
        con.execute(f"delete from {table} where {where}", params or [])
        con.register("_frame", frame)
        try:
            con.execute(f"insert into {table} ({cols}) select {cols} from _frame")
        finally:
            con.unregister("_frame")
    return len(frame)


def available_by_sku(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Sellable stock per SKU summed over warehouses (negative = oversold, kept: it must be covered too)."""
    return con.execute(
        "select sku_id, sum(available)::bigint as available from inventory.availability group by sku_id"
    ).df()


def on_order_by_sku(con: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    return con.execute(
        "select sku_id, sum(quantity)::bigint as on_order from forecast.purchase_orders"
        " where expected_arrival_date > ? group by sku_id",
        [as_of],
    ).df()
