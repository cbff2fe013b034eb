"""raw.channel_orders: every channel's order records, exactly as received, stored once.

Side tables written in the same transactions: raw.channel_order_facts (each record's standardized form, so
hub rebuilds are fast), hub.quarantine (records that cannot be standardized, with the reason),
ops.ingest_batches (per batch: received = stored + deduplicated + quarantined), ops.cursors (each API
channel's `api:<channel>:<shop>` cursor), ops.api_calls (every HTTP attempt, see assets/ops/api_calls.py) and
ops.write_locks (raw's row, bumped by every landing so concurrent landings on a lake conflict; orderhub/locks.py);
ops.quarantine_moves counts records a replay stored or a rebuild re-quarantined after their landing; a replay also
applies the seller's SKU alias file to hub.sku_map.
"""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
from pydantic import Field

from assets.tables import key, row_count
from orderhub import alerts, settings
from orderhub.ingest.fileland import land_dropped
from orderhub.ingest.history import alert_before_start
from orderhub.ingest.pull import PullReport, pull_api, pull_erp
from orderhub.ingest.replay import replay
from orderhub.sources.authorization import sync_reauthorize_alerts
from orderhub.standardize.skus import refresh_aliases
from resources.channels import CHANNEL_APIS, enabled_channels
from resources.erp import ErpBridge
from resources.warehouse import WAREHOUSE_POOL, Warehouse

API_RESOURCE_KEYS = {f"{channel}_api" for channel in CHANNEL_APIS}


class RawIngestConfig(dg.Config):
    sources: list[str] | None = Field(
        default=None,
        description="API channels to pull from their cursors, and/or "
        "'erp'; empty (null) = every enabled channel and the ERP",
    )
    files: list[str] = Field(
        default_factory=list, description="dropped report files to land (each must lie in landing/<folder>/)"
    )
    regrown: list[str] = Field(
        default_factory=list, description="archived files that grew after they were landed: read again (archive/...)"
    )
    replay: bool = Field(
        default=False,
        description="re-standardize quarantined records with today's mappings (orderhub quarantine replay)",
    )
    replay_mapping: str | None = Field(default=None, description="replay only this mapping's records")
    replay_reason: str | None = Field(default=None, description="replay only records quarantined for this reason")
    start: str | None = Field(
        default=None,
        description="first modified time for a channel without a cursor "
        "(ISO); default ORDERHUB_START_DATE 00:00 Beijing",
    )
    until: str | None = Field(default=None, description="pull up to this instant (ISO); default now - lag")
    lag_seconds: int = Field(default=60, description="stay this far behind now: platforms index late writes")
    reread_minutes: int = Field(default=30, description="re-read this much before each cursor: late-visible updates")
    erp_max_batches: int = 200


def _aware(text: str) -> datetime:
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo else dt.replace(tzinfo=ZoneInfo(settings.BUSINESS_TZ))


@dg.asset(
    key=key("raw.channel_orders"),
    group_name="ingest",
    kinds={"duckdb", "python"},
    pool=WAREHOUSE_POOL,
    required_resource_keys={"warehouse", "erp", *API_RESOURCE_KEYS},
)
def raw_channel_orders(context: dg.AssetExecutionContext, config: RawIngestConfig) -> dg.MaterializeResult:
    """Every order record received from Taobao/Tmall, Douyin, Pinduoduo, JD (APIs), the legacy ERP and
    dropped seller-center exports, exactly as received and stored once. The log the hub is rebuilt from
    (with each record's standardized form kept alongside in raw.channel_order_facts, so rebuilds are fast);
    each run's accounting (received = stored + deduplicated + quarantined) is in the metadata."""
    report = PullReport()
    warehouse: Warehouse = context.resources.warehouse
    erp: ErpBridge = context.resources.erp
    until = _aware(config.until) if config.until else datetime.now(UTC) - timedelta(seconds=config.lag_seconds)
    start = _aware(config.start) if config.start else _aware(f"{settings.start_date()}T00:00:00")
    sources = [*enabled_channels(), "erp"] if config.sources is None else config.sources
    pulled = []
    with warehouse.connect() as con:
        for channel in sources:
            if channel == "erp":
                pull_erp(con, erp, report=report, max_batches=config.erp_max_batches, run_id=context.run_id)
                continue
            if f"{channel}_api" not in API_RESOURCE_KEYS:
                report.errors.append(f"unknown source {channel!r}: no {channel}_api resource")
                continue
            api = getattr(context.resources, f"{channel}_api")
            pulled.append(api)
            pull_api(
                con,
                api,
                mapping=f"{channel}_api",
                start_default=start,
                until=until,
                max_window=type(api).max_window,
                report=report,
                run_id=context.run_id,
                reread=timedelta(minutes=config.reread_minutes),
            )
        if config.files or config.regrown:
            paths = settings.paths()
            land_dropped(
                con,
                [Path(p) for p in config.files],
                landing=paths.landing,
                archive=paths.archive,
                workdir=paths.home / "tmp",
                report=report,
                run_id=context.run_id,
                regrown=[Path(p) for p in config.regrown],
            )
        if config.replay:  # the seller fixed a mapping or an alias: apply both
            refresh_aliases(con)
            report.moves.append(
                replay(con, mapping=config.replay_mapping, reason=config.replay_reason, run_id=context.run_id)
            )
        early = alert_before_start(
            con, report.order_dates, date.fromisoformat(settings.start_date()), "raw.channel_orders"
        )
        _alert(con, report)
        # a refused token stopped that shop's pull (cursor kept): the alert says "re-authorize"
        sync_reauthorize_alerts(con, pulled, asset="raw.channel_orders")
        rows = row_count(con, "raw.channel_orders")
        # ops.api_calls has no asset of its own (every HTTP client appends to it); its row count is observed here
        context.log_event(dg.AssetObservation(asset_key=key("ops.api_calls"), metadata=row_count(con, "ops.api_calls")))
    for error in report.errors:
        context.log.warning(error)
    meta = report.metadata()
    return dg.MaterializeResult(
        metadata={
            **rows,
            **{k: meta[k] for k in ("received", "stored", "deduplicated", "quarantined", "batches")},
            "by_source": dg.MetadataValue.json(meta["by_source"]),
            "touched_start": meta["touched_start"],
            "touched_end": meta["touched_end"],
            "touched_dates": dg.MetadataValue.json(meta["touched_dates"]),
            "errors": dg.MetadataValue.json(meta["errors"]),
            "files": dg.MetadataValue.json(
                {k: meta[f"files_{k}"] for k in ("archived", "rejected", "waiting", "regrown")}
            ),
            "replayed": dg.MetadataValue.json([m.as_metadata() for m in report.moves]),
            "dates_before_first_partition": dg.MetadataValue.json([d.isoformat() for d in early]),
        }
    )


def _alert(con, report: PullReport) -> None:
    if report.errors:
        alerts.raise_alert(
            con,
            kind="ingest_error",
            severity="warning",
            dedupe_key="ingest:raw.channel_orders",
            asset="raw.channel_orders",
            message="; ".join(report.errors)[:2000],
        )
    elif report.batches:
        alerts.resolve_alert(con, dedupe_key="ingest:raw.channel_orders", message="ingest recovered")
