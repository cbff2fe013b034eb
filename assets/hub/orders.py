"""hub.orders, with hub.order_lines and hub.order_status_history: one multi-asset, since one deterministic
rebuild of an order-date window from raw.channel_orders writes all three in one transaction."""

from datetime import date

import dagster as dg

from assets.partitions import order_date_partitions, single_run
from assets.tables import key, row_count
from orderhub.standardize.hub import build_hub
from resources.pii import PiiSettings
from resources.warehouse import WAREHOUSE_POOL, Warehouse

_KINDS = {"duckdb", "sql"}
ORDERS, LINES, HISTORY = key("hub.orders"), key("hub.order_lines"), key("hub.order_status_history")


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ORDERS,
            deps=[key("raw.channel_orders"), key("hub.sku_map")],
            group_name="hub",
            kinds=_KINDS,
            description="Every order from every channel in one shape: status, money in fen, UTC times, "
            "hashed buyer, province/city only. One row per channel order, latest version.",
        ),
        dg.AssetSpec(
            LINES,
            deps=[key("raw.channel_orders"), key("hub.sku_map")],
            group_name="hub",
            kinds=_KINDS,
            description="The items of each order with the seller's own SKU (via hub.sku_map), "
            "quantity and money in fen.",
        ),
        dg.AssetSpec(
            HISTORY,
            deps=[key("raw.channel_orders")],
            group_name="hub",
            kinds=_KINDS,
            description="Every status change observed for each order, with when and from which source; "
            "impossible changes (e.g. completed -> paid) are kept and flagged, not applied.",
        ),
    ],
    partitions_def=order_date_partitions,
    backfill_policy=single_run,
    pool=WAREHOUSE_POOL,
)
def hub_orders(context: dg.AssetExecutionContext, warehouse: Warehouse, pii: PiiSettings):
    keys = context.partition_key_range
    start, end = date.fromisoformat(keys.start), date.fromisoformat(keys.end)
    window = "order_date between ? and ?"
    with warehouse.connect() as con:
        result = build_hub(con, start, end, pii.salt)
        counts = {
            t: row_count(con, f"hub.{t}", window, [start, end])
            for t in ("orders", "order_lines", "order_status_history")
        }
        daily = per_day_counts(con, start, end)
    context.log.info(f"hub rebuilt for {start}..{end}: {result}")
    meta = result.as_metadata()
    # A ranged run (backfill) materializes every partition at once: the run-wide figures are labelled as such,
    # and each partition gets its own counts (partition-scoped metadata), so a partition never shows the range's.
    run_wide = {"run_range": f"{start}..{end}", "run_raw_versions": meta["raw_versions"]}
    for day in context.partition_keys:
        d = daily.get(date.fromisoformat(day), {})
        for asset, figures in (
            (ORDERS, {"orders": d.get("orders", 0)}),
            (LINES, {"order_lines": d.get("order_lines", 0), "unmapped_lines": d.get("unmapped_lines", 0)}),
            (
                HISTORY,
                {
                    "status_transitions": d.get("status_transitions", 0),
                    "illegal_transitions": d.get("illegal_transitions", 0),
                },
            ),
        ):
            rows = next(iter(figures.values()))
            context.add_asset_metadata(
                {"dagster/row_count": rows, "order_date": day, **figures}, asset_key=asset, partition_key=day
            )
    yield dg.MaterializeResult(
        asset_key=ORDERS, metadata={**run_wide, **counts["orders"], "run_orders": meta["orders"]}
    )
    yield dg.MaterializeResult(
        asset_key=LINES,
        metadata={
            **run_wide,
            **counts["order_lines"],
            "run_order_lines": meta["order_lines"],
            "run_unmapped_lines": meta["unmapped_lines"],
        },
    )
    yield dg.MaterializeResult(
        asset_key=HISTORY,
        metadata={
            **run_wide,
            **counts["order_status_history"],
            "run_status_transitions": meta["status_transitions"],
            "run_illegal_transitions": meta["illegal_transitions"],
        },
    )


def per_day_counts(con, start: date, end: date) -> dict[date, dict[str, int]]:
    """Rows per order date in the rebuilt window, for each partition's own metadata."""
    out: dict[date, dict[str, int]] = {}
    for sql in (
        "select order_date, count(*) as orders from hub.orders where order_date between ? and ? group by 1",
        "select order_date, count(*) as order_lines, count(*) filter (where sku_id is null) as unmapped_lines "
        "from hub.order_lines where order_date between ? and ? group by 1",
        "select order_date, count(*) as status_transitions, count(*) filter (where is_illegal) as illegal_transitions "
        "from hub.order_status_history where order_date between ? and ? group by 1",
    ):
        cur = con.execute(sql, [start, end])
        names = [c[0] for c in cur.description]
        for row in cur.fetchall():
            out.setdefault(row[0], {}).update({n: int(v) for n, v in zip(names[1:], row[1:])})
    return out
