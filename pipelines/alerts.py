"""Operational alerting outside asset checks: failed runs, freshness breaches, and a periodic delivery pass.

Sensors run in the daemon and never open the warehouse (see orderhub/notify/outbox.py): they send the
webhook themselves and spool the event; the delivery pass (asset ops.alerts, `deliver_alerts_job`) records it
in ops.alerts inside the warehouse pool.
"""

import json
import time

import dagster as dg

from assets.tables import key
from orderhub.notify import daemon_alert
from quality.alerting import job_label
from quality.checks import is_quality_step
from resources.gate import HELD_TAG
from resources.notifier import Notifier


def _assets(instance, run) -> list:
    """The assets a run set out to materialize: its selection, else what it planned (dg.materialize)."""
    if run.asset_selection or not run.job_name.startswith("__"):
        return list(run.asset_selection or [])
    try:
        planned = instance.get_records_for_run(
            run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED, limit=1000
        ).records
        return sorted({r.event_log_entry.dagster_event.asset_key for r in planned}, key=str)
    except Exception:  # noqa: BLE001 - the label falls back to "asset materialization"
        return []


def _job_key(instance, run) -> str:
    """One open problem per job; for UI materializations (Dagster's __ASSET_JOB) per set of assets, so an
    unrelated successful materialization does not resolve it."""
    return f"run_failed:{job_label(run.job_name, _assets(instance, run))}"


def _errors(error):
    while error is not None:
        yield error
        error = error.cause


def _is_held(event) -> bool:
    """The step did not build because the quality gate held it (resources/gate.py)."""
    error = event.step_failure_data.error
    return any(e.cls_name == "HeldBack" or "Held back by the quality gate" in (e.message or "") for e in _errors(error))


def _root_cause(error) -> str:
    while error is not None and error.cause is not None:  # Dagster wraps the user's exception
        error = error.cause
    return (error.message if error is not None else "").strip()[:200]


def _only_blocking_quality_checks(steps: list) -> bool:
    """Every failed step is a quality-suite check stopped on a blocking rule: it already raised its own
    check_failed alert (with the failing rows), so a run_failed alert on top would page on-call twice for one
    problem. Other blocking checks (SQL model tests, waybill uniqueness) do not alert themselves: they still page."""
    return bool(steps) and all(
        is_quality_step(e.step_key)
        and e.step_failure_data.error is not None
        and e.step_failure_data.error.cls_name == "DagsterAssetCheckFailedError"
        for e in steps
    )


def _what(instance, run) -> str:
    label = job_label(run.job_name, _assets(instance, run))
    start, end = run.tags.get("dagster/asset_partition_range_start"), run.tags.get("dagster/asset_partition_range_end")
    window = (
        f" for {start}..{end}"
        if start and end
        else (f" for {run.tags['dagster/partition']}" if "dagster/partition" in run.tags else "")
    )
    backfill = f" (backfill `{run.tags['dagster/backfill']}`)" if "dagster/backfill" in run.tags else ""
    kind = "" if label.startswith("materialization") else "job "
    return f"{kind}`{label}`{window}{backfill}"


@dg.run_failure_sensor(name="run_failure_alerts", default_status=dg.DefaultSensorStatus.RUNNING)
def run_failure_alerts(context: dg.RunFailureSensorContext, notifier: Notifier) -> None:
    """A failed run alerts once per job (or set of assets, for a UI materialization) until one succeeds
    again; a run stopped only by blocking quality-suite checks, or held by the quality gate, is left to
    those checks' own window alerts (one page per problem)."""
    run = context.dagster_run
    reason = (context.failure_event.message or "")[:300] if context.failure_event else ""
    try:  # the first failing step's error tells the operator where to look
        steps = context.get_step_failure_events()
        if _only_blocking_quality_checks(steps):
            context.log.info(f"run {run.run_id[:8]} stopped on blocking checks: their check_failed alerts cover it")
            return
        if steps and all(_is_held(e) or is_quality_step(e.step_key) for e in steps) and any(map(_is_held, steps)):
            held = run.tags.get(HELD_TAG, "a failed window")
            context.log.info(f"run {run.run_id[:8]} held by the quality gate ({held}): that window's alert covers it")
            return
        reason += "".join(f"\n- `{e.step_key}`: {_root_cause(e.step_failure_data.error)}" for e in steps[:3])
    except Exception:  # noqa: BLE001 - event log unavailable: the run-level message is enough
        pass
    daemon_alert(
        notifier,
        op="raise",
        dedupe_key=_job_key(context.instance, run),
        kind="run_failed",
        severity="error",
        message=f"Run `{run.run_id[:8]}` of {_what(context.instance, run)} failed. {reason}",
        log=context.log,
    )


@dg.run_status_sensor(
    name="run_recovery_alerts", run_status=dg.DagsterRunStatus.SUCCESS, default_status=dg.DefaultSensorStatus.RUNNING
)
def run_recovery_alerts(context: dg.RunStatusSensorContext, notifier: Notifier) -> None:
    run = context.dagster_run
    daemon_alert(
        notifier,
        op="resolve",
        dedupe_key=_job_key(context.instance, run),
        message=f"{_what(context.instance, run)} succeeded again (run `{run.run_id[:8]}`).",
        log=context.log,
    )


def breaches(context: dg.SensorEvaluationContext, now: float) -> dict[str, tuple[str, float]]:
    """asset -> (severity, age hours) for assets past their FreshnessPolicy windows. Never-materialized
    assets are skipped: a fresh install is not an incident."""
    out: dict[str, tuple[str, float]] = {}
    graph = context.repository_def.asset_graph
    for asset_key in graph.get_all_asset_keys():
        policy = getattr(graph.get(asset_key), "freshness_policy", None)
        fail = getattr(policy, "fail_window", None)
        if fail is None:
            continue
        event = context.instance.get_latest_materialization_event(asset_key)
        if event is None:
            continue
        age = now - event.timestamp
        warn = getattr(policy, "warn_window", None)
        if age > fail.to_timedelta().total_seconds():
            out[asset_key.to_user_string()] = ("error", age / 3600)
        elif warn is not None and age > warn.to_timedelta().total_seconds():
            out[asset_key.to_user_string()] = ("warning", age / 3600)
    return out


@dg.sensor(name="freshness_alerts", minimum_interval_seconds=300, default_status=dg.DefaultSensorStatus.RUNNING)
def freshness_alerts(context: dg.SensorEvaluationContext, notifier: Notifier) -> dg.SensorResult:
    """Alerts when an asset with a FreshnessPolicy misses its window; a recovery message when it catches up."""
    before: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    found = breaches(context, time.time())
    now_state = {asset: sev for asset, (sev, _) in found.items()}
    for asset, sev in now_state.items():
        if before.get(asset) != sev:
            if asset in before:  # severity changed: close the old one so the new one is sent
                daemon_alert(
                    notifier,
                    op="resolve",
                    dedupe_key=f"freshness:{asset}:{before[asset]}",
                    message=f"{asset} freshness is now {sev}.",
                    log=context.log,
                )
            daemon_alert(
                notifier,
                op="raise",
                dedupe_key=f"freshness:{asset}:{sev}",
                kind="freshness",
                severity=sev,
                asset=asset.replace("/", "."),
                log=context.log,
                message=f"{asset.replace('/', '.')} last updated {found[asset][1]:.1f} h ago: "
                f"past its freshness {sev} window.",
            )
    for asset, sev in before.items():
        if asset not in now_state:
            daemon_alert(
                notifier,
                op="resolve",
                dedupe_key=f"freshness:{asset}:{sev}",
                message=f"{asset.replace('/', '.')} is fresh again.",
                log=context.log,
            )
    return dg.SensorResult(
        skip_reason=f"{len(now_state)} asset(s) past their freshness window", cursor=json.dumps(now_state)
    )


deliver_alerts_job = dg.define_asset_job(
    "deliver_alerts_job",
    selection=dg.AssetSelection.assets(key("ops.alerts")),
    description="Delivery pass over ops.alerts: record daemon-spooled alerts, retry failed deliveries.",
)
deliver_alerts_schedule = dg.ScheduleDefinition(
    name="deliver_alerts_every_10_minutes",
    job=deliver_alerts_job,
    cron_schedule="*/10 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

defs = dg.Definitions(
    sensors=[run_failure_alerts, run_recovery_alerts, freshness_alerts],
    jobs=[deliver_alerts_job],
    schedules=[deliver_alerts_schedule],
)
