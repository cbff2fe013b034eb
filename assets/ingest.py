"""Ingest domain: every channel's orders, exactly as received, in raw.channel_orders."""


import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
from pydantic import Field

from orderhub import alerts, settings
from orderhub.ingest.pull import PullReport, land_file, pull_api, pull_erp
from pipelines.ingest_jobs import RAW_ORDERS, hub_rebuild_job, hub_skus_job, ingest_files_job, ingest_live_job
from pipelines.ingest_schedules import hub_skus_schedule, ingest_live_schedule
from pipelines.ingest_sensors import hub_rebuild_sensor, ingest_peak_sensor, landing_files_sensor
from pipelines.partitions import START_DATE, WAREHOUSE_POOL
from resources.channels import channel_resources
from resources.erp import ErpBridge, erp_resource
from resources.warehouse import Warehouse

API_RESOURCES = channel_resources()  # "taobao_api", "douyin_api", "pdd_api" (+ "jd_api" when configured)
API_CHANNELS = [key.removesuffix("_api") for key in API_RESOURCES]


class PiiSettings(dg.ConfigurableResource):
    """Salt for hashing buyer ids (set ORDERHUB_PII_SALT; keep it secret and stable, or buyer keys change)."""

    salt: str


class RawIngestConfig(dg.Config):
    sources: list[str] = Field(default_factory=lambda: [*API_CHANNELS, "erp"],
                               description="API channels to pull from their cursors, and/or 'erp'")
    files: list[str] = Field(default_factory=list, description="dropped export files to land (landing/<channel>/...)")
    start: str | None = Field(default=None, description="first modified time for a channel without a cursor "
                                                        "(ISO); default ORDERHUB_START_DATE 00:00 Beijing")
    until: str | None = Field(default=None, description="pull up to this instant (ISO); default now - lag")
    lag_seconds: int = Field(default=60, description="stay this far behind now: platforms index late writes")
    reread_minutes: int = Field(default=30, description="re-read this much before each cursor: late-visible updates")
    erp_max_batches: int = 200


def _aware(text: str) -> datetime:
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo else dt.replace(tzinfo=ZoneInfo(settings.BUSINESS_TZ))


@dg.asset(
    key=RAW_ORDERS, group_name="ingest", kinds={"duckdb", "python"}, pool=WAREHOUSE_POOL,
    required_resource_keys={"warehouse", "erp", *API_RESOURCES},  # API keys depend on configured channels
)
def raw_channel_orders(context: dg.AssetExecutionContext, config: RawIngestConfig) -> dg.MaterializeResult:
    """Every order record received from Taobao/Tmall, Douyin, Pinduoduo (APIs), the legacy ERP and
    dropped seller-center exports, exactly as received and stored once. The log the hub is rebuilt from
    (with each record's standardized form kept alongside in raw.channel_order_facts, so rebuilds are fast);
    each run's accounting (received = stored + deduplicated + quarantined) is in the metadata."""
    report = PullReport()
    warehouse: Warehouse = context.resources.warehouse
    erp: ErpBridge = context.resources.erp
    until = _aware(config.until) if config.until else datetime.now(timezone.utc) - timedelta(seconds=config.lag_seconds)
    start = _aware(config.start) if config.start else _aware(f"{START_DATE}T00:00:00")
    with warehouse.connect() as con:
        for channel in config.sources:
            if channel == "erp":
                pull_erp(con, erp, report=report, max_batches=config.erp_max_batches, run_id=context.run_id)
                continue
            key = f"{channel}_api"
            if key not in API_RESOURCES:
                report.errors.append(f"unknown source {channel!r}: no {key} resource")
                continue
            api = getattr(context.resources, key)
            pull_api(con, api, mapping=key, start_default=start, until=until, max_window=type(api).max_window,
                     report=report, run_id=context.run_id, reread=timedelta(minutes=config.reread_minutes))
        for path in config.files:
            land_file(con, Path(path), channel=Path(path).parent.name, archive=settings.paths().archive,
                      report=report, run_id=context.run_id)
        _alert(con, report)
    for error in report.errors:
        context.log.warning(error)
    meta = report.metadata()
    return dg.MaterializeResult(metadata={
        **{k: meta[k] for k in ("received", "stored", "deduplicated", "quarantined", "batches")},
        "by_source": dg.MetadataValue.json(meta["by_source"]),
        "touched_start": meta["touched_start"], "touched_end": meta["touched_end"],
        "touched_dates": dg.MetadataValue.json(meta["touched_dates"]),
        "errors": dg.MetadataValue.json(meta["errors"]),
        "files": dg.MetadataValue.json({"archived": meta["files_archived"], "rejected": meta["files_rejected"]}),
    })


def _alert(con, report: PullReport) -> None:
    if report.errors:
        alerts.raise_alert(con, kind="ingest_error", severity="warning", dedupe_key="ingest:raw.channel_orders",
                           asset="raw.channel_orders", message="; ".join(report.errors)[:2000])
    elif report.batches:
        alerts.resolve_alert(con, dedupe_key="ingest:raw.channel_orders", message="ingest recovered")


def ingest_resources() -> dict:
    pii = PiiSettings(salt=dg.EnvVar("ORDERHUB_PII_SALT"))
    return {**API_RESOURCES, "erp": erp_resource(), "pii": pii}


defs = dg.Definitions(
    assets=[raw_channel_orders],
    resources=ingest_resources(),
    jobs=[ingest_live_job, ingest_files_job, hub_rebuild_job, hub_skus_job],
    schedules=[ingest_live_schedule, hub_skus_schedule],
    sensors=[landing_files_sensor, hub_rebuild_sensor, ingest_peak_sensor],
)
