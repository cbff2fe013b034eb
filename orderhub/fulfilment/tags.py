"""Customer-experience tags: high-value orders, repeat buyers, remote-region delivery promises."""

from __future__ import annotations

from datetime import datetime

import duckdb

from orderhub.fulfilment import geo
from orderhub.locks import claim
from orderhub.transaction import transaction

TAGS_SQL = f"""
with orders as (
    select order_id, buyer_key, paid_fen, paid_at, created_at, receiver_province
    from hub.orders where paid_at is not null
),
high_value as (
    select order_id, 'high_value' as tag, 'paid_fen >= ' || $threshold as detail, null::integer as days
    from orders where paid_fen >= $threshold
),
history as (
    select order_id,
           count(*) over (partition by buyer_key order by created_at, order_id
                          rows between unbounded preceding and 1 preceding) as previous_orders
    from orders where buyer_key is not null
),
repeat_buyer as (
    select order_id, 'repeat_buyer', 'previous paid orders: ' || previous_orders, null::integer
    from history where previous_orders >= 1
),
provinces as ({geo.province_lookup_sql("orders")}),
remote as (
    select o.order_id, 'remote_region', p.province, p.remote_days
    from orders o join provinces p on p.receiver_province = o.receiver_province
    where p.remote_days is not null
)
select *, $now from high_value
union all select *, $now from repeat_buyer
union all select *, $now from remote
"""


def build_order_tags(con: duckdb.DuckDBPyConnection, high_value_fen: int, now: datetime) -> dict[str, int]:
    """Rebuild hub.order_tags for every paid order. Returns counts per tag."""
    if high_value_fen <= 0:
        raise ValueError("high_value_fen must be positive")
    geo.register(con)
    with transaction(con):
        claim(con, "hub.order_tags")  # concurrent replacements on a lake conflict (orderhub/locks.py)
        con.execute("delete from hub.order_tags")
        con.execute(f"insert into hub.order_tags {TAGS_SQL}", {"threshold": high_value_fen, "now": now})
        rows = con.execute("select tag, count(*) from hub.order_tags group by tag").fetchall()
    return {tag: int(n) for tag, n in rows}
