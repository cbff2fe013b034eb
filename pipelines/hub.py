"""Hub: the product master on a schedule, and the order model rebuilt wherever new raw records landed.

`hub_rebuild_sensor`: every raw.channel_orders materialization lists the order dates its new records touched
(metadata touched_start/touched_end); the sensor requests ONE hub_rebuild_job run over the union of those
dates, as a partition range (a single run: one DuckDB writer, one transaction). A day already rebuilt after
the raw records landed is not asked for again, so the first `orderhub ui` after `orderhub demo` does not
redo the demo's rebuild. Dagster's declarative automation cannot express this (which days to rebuild is in
the raw materialization's metadata, not in a partition mapping), so it stays a sensor.
"""

import dagster as dg

from assets.partitions import order_date_partitions
from assets.tables import key
from orderhub import settings

RAW_ORDERS = key("raw.channel_orders")
HUB_ORDER_TABLES = ("hub.orders", "hub.order_lines", "hub.order_status_history")
# Dagster's run tags for a partition-range run (what a single-run backfill sets).
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"

hub_rebuild_job = dg.define_asset_job(
    "hub_rebuild_job",
    selection=dg.AssetSelection.assets(*(key(t) for t in HUB_ORDER_TABLES)),
    partitions_def=order_date_partitions,
    description="Rebuild the hub order model for a range of order dates from raw.channel_orders.",
)
hub_skus_job = dg.define_asset_job(
    "hub_skus_job",
    selection=dg.AssetSelection.assets(key("hub.skus"), key("hub.sku_map")),
    description="Refresh the product master and channel SKU map from the ERP.",
)
hub_skus_schedule = dg.ScheduleDefinition(
    name="hub_skus_schedule",
    job=hub_skus_job,
    cron_schedule="15 * * * *",
    execution_timezone=settings.BUSINESS_TZ,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Refresh the product master and channel SKU map from the ERP hourly.",
)


def touched(record) -> tuple[str, str] | None:
    md = record.asset_materialization.metadata if record.asset_materialization else {}
    start, end = md.get("touched_start"), md.get("touched_end")
    if start is not None and end is not None and start.value and end.value:
        return start.value, end.value
    return None


def touched_range(records) -> tuple[str, str] | None:
    spans = [s for s in (touched(r) for r in records) if s]
    return (min(s for s, _ in spans), max(e for _, e in spans)) if spans else None


def clamp_to_partitions(start: str, end: str, keys: list[str]) -> tuple[str, str] | None:
    if not keys or end < keys[0] or start > keys[-1]:
        return None
    return max(start, keys[0]), min(end, keys[-1])


def stale_range(records, keys: list[str], rebuilt: dict[str, int]) -> tuple[str, str] | None:
    """The range covering every partition some record touched that has not been rebuilt since that record
    landed (`rebuilt`: partition -> storage id of its latest hub.orders materialization)."""
    stale: list[str] = []
    for rec in records:
        span = touched(rec)
        clamped = clamp_to_partitions(*span, keys) if span else None
        if clamped is None:
            continue
        days = [k for k in keys if clamped[0] <= k <= clamped[1]]
        stale += [d for d in days if rebuilt.get(d, -1) < rec.storage_id]
    return (min(stale), max(stale)) if stale else None


@dg.sensor(job=hub_rebuild_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING)
def hub_rebuild_sensor(context: dg.SensorEvaluationContext):
    """Rebuild, as one run, every hub order-date partition that raw records touched after its last rebuild."""
    after = int(context.cursor) if context.cursor else None
    result = context.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=RAW_ORDERS, after_storage_id=after), limit=1000, ascending=True
    )
    if not result.records:
        return dg.SkipReason("no new raw.channel_orders materializations")
    cursor = str(max(r.storage_id for r in result.records))
    rebuilt = context.instance.get_latest_storage_id_by_partition(
        key(HUB_ORDER_TABLES[0]), dg.DagsterEventType.ASSET_MATERIALIZATION
    )
    span = stale_range(result.records, order_date_partitions.get_partition_keys(), rebuilt)
    context.update_cursor(cursor)
    if span is None:
        return dg.SkipReason("the order dates new raw records touched are already rebuilt (or before the first day)")
    start, end = span
    return dg.RunRequest(run_key=f"hub-rebuild-{cursor}", tags={RANGE_START_TAG: start, RANGE_END_TAG: end})


defs = dg.Definitions(jobs=[hub_rebuild_job, hub_skus_job], schedules=[hub_skus_schedule], sensors=[hub_rebuild_sensor])
