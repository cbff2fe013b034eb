"""What channels list (read back from their stock APIs) and where it conflicts with availability."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from orderhub.locks import claim
from orderhub.transaction import transaction

# Network-wide sellable units per hub SKU: what every channel should list.
SELLABLE_SQL = """
select sku_id, greatest(sum(available), 0) as available_qty from inventory.availability group by sku_id
"""


def land_listings(con: duckdb.DuckDBPyConnection, channel: str, items: list[dict], listed_at: datetime) -> int:
    """Replace one channel's rows in inventory.channel_listings (items: {"channel_sku", "quantity"})."""
    listings = pd.DataFrame(items, columns=["channel_sku", "quantity"])  # noqa: F841 - used in SQL
    with transaction(con):
        claim(con, "inventory.channel_listings")  # concurrent replacements on a lake conflict (orderhub/locks.py)
        con.execute("delete from inventory.channel_listings where channel = ?", [channel])
        con.execute(
            """
            insert into inventory.channel_listings
            select ?, cast(l.channel_sku as varchar), m.sku_id, cast(l.quantity as integer), ?
            from listings l
            left join hub.sku_map m on m.channel = ? and m.channel_sku = cast(l.channel_sku as varchar)
            qualify row_number() over (partition by l.channel_sku) = 1
            """,
            [channel, listed_at, channel],
        )
        return con.execute("select count(*) from inventory.channel_listings where channel = ?", [channel]).fetchone()[0]


CONFLICTS_SQL = f"""
with listings as (
    select channel, channel_sku, sku_id, listed_qty from inventory.channel_listings
),
sellable as ({SELLABLE_SQL}),
compared as (
    select l.channel, l.channel_sku, l.sku_id, l.listed_qty,
           case when l.sku_id is not null then coalesce(s.available_qty, 0) end as available_qty
    from listings l left join sellable s using (sku_id)
),
tolerated as (
    select *, cast(greatest($tolerance, ceil($tolerance_pct / 100.0 * coalesce(available_qty, 0))) as integer)
              as tolerance
    from compared
),
typed as (
    select *, listed_qty - available_qty as difference,
           case
               when sku_id is null then 'unmapped_listing'
               when listed_qty > 0 and available_qty <= 0 then 'listed_but_sold_out'
               when listed_qty <= 0 and available_qty > 0 then 'sold_out_but_available'
               when abs(listed_qty - available_qty) > tolerance then 'quantity_mismatch'
           end as conflict_type
    from tolerated
)
select channel, channel_sku, sku_id, listed_qty, available_qty, difference, conflict_type,
       tolerance, $now as detected_at
from typed where conflict_type is not null
"""


def build_conflicts(
    con: duckdb.DuckDBPyConnection, tolerance: int, now: datetime, tolerance_pct: float = 0.0
) -> dict[str, int]:
    """Rebuild inventory.stock_conflicts. A quantity mismatch is a difference above max(tolerance units,
    tolerance_pct % of available). Returns counts per conflict type."""
    with transaction(con):
        claim(con, "inventory.stock_conflicts")  # concurrent replacements on a lake conflict (orderhub/locks.py)
        con.execute("delete from inventory.stock_conflicts")
        con.execute(
            f"insert into inventory.stock_conflicts {CONFLICTS_SQL}",
            {"tolerance": tolerance, "tolerance_pct": tolerance_pct, "now": now},
        )
        rows = con.execute("select conflict_type, count(*) from inventory.stock_conflicts group by all").fetchall()
    return {k: int(v) for k, v in rows}
