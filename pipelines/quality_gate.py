"""The quality gate's other half: work it held back resumes by itself once the windows that held it pass.

A step downstream of a window whose latest blocking check failed fails with `HeldBack` (resources/gate.py)
and its run is tagged `orderhub/held_by = <table>:<window>`. `resume_held_work` watches those runs from the
daemon (it reads only the Dagster instance, never the warehouse) and, once every blocking check of that
window's latest evaluation passed, launches the held run's assets again (tagged `orderhub/resumed_from`).
If another window still holds them, the resumed run says so and waits for that one in turn.

Not an AutomationCondition: which window held a run is known only to the run that was held (its tag), not
to the asset graph, and the conditions cannot read run tags.
"""

from __future__ import annotations

import time

import dagster as dg

from resources.gate import HELD_TAG

RESUMED_TAG = "orderhub/resumed_from"
LOOKBACK_SECONDS = 24 * 3600  # older held work is left to its schedule (or an operator)
RANGE_TAGS = ("dagster/asset_partition_range_start", "dagster/asset_partition_range_end", "dagster/partition")


def window_passes(instance: dg.DagsterInstance, graph, held_by: str) -> bool:
    """Every blocking check of `<table>:<window>` has a latest evaluation, and it passed."""
    table, _, window = held_by.partition(":")
    asset = dg.AssetKey(table.split("."))
    keys = [ck for ck in graph.asset_check_keys if ck.asset_key == asset and graph.get_check_spec(ck).blocking]
    if not keys:
        return True  # the check is gone: nothing holds the window any more
    storage = instance.event_log_storage
    if window and window != "all" and graph.get_check_spec(keys[0]).partitions_def is not None:
        infos = storage.get_asset_check_partition_info(keys, partition_keys=[window])
        status = {i.check_key: i.latest_execution_status.value for i in infos if i.partition_key == window}
    else:
        latest = storage.get_latest_asset_check_execution_by_key(keys)
        status = {k: r.status.value for k, r in latest.items()}
    return all(status.get(k) == "SUCCEEDED" for k in keys)


def held_runs(instance: dg.DagsterInstance, since: float) -> list:
    records = instance.get_run_records(
        dg.RunsFilter(statuses=[dg.DagsterRunStatus.FAILURE], updated_after=_dt(since)), limit=200
    )
    held = [r for r in records if HELD_TAG in r.dagster_run.tags]
    return [r.dagster_run for r in sorted(held, key=lambda r: r.create_timestamp)]  # oldest first


def _dt(ts: float):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ts, tz=UTC)


def run_assets(context: dg.SensorEvaluationContext, run) -> set[dg.AssetKey]:
    if run.asset_selection:
        return set(run.asset_selection)
    return set(context.repository_def.get_job(run.job_name).asset_layer.executable_asset_keys)


def already_resumed(instance: dg.DagsterInstance, run_id: str) -> bool:
    return bool(instance.get_run_records(dg.RunsFilter(tags={RESUMED_TAG: run_id}), limit=1))


@dg.sensor(
    name="resume_held_work",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    target=dg.AssetSelection.all(),
    description="Re-run work the quality gate held back, once the window that held it passes its blocking checks.",
)
def resume_held_work(context: dg.SensorEvaluationContext):
    graph = context.repository_def.asset_graph
    requests, waiting = [], []
    newest: dict[tuple, str] = {}
    for run in held_runs(context.instance, time.time() - LOOKBACK_SECONDS):
        keys = tuple(sorted(run_assets(context, run), key=lambda k: k.path))
        newest[keys] = run.run_id  # one resume per distinct piece of held work: the latest attempt
    for keys, run_id in newest.items():
        run = context.instance.get_run_by_id(run_id)
        if already_resumed(context.instance, run_id):
            continue
        if not window_passes(context.instance, graph, run.tags[HELD_TAG]):
            waiting.append(run.tags[HELD_TAG])
            continue
        tags = {RESUMED_TAG: run_id, **{t: run.tags[t] for t in RANGE_TAGS if t in run.tags}}
        requests.append(dg.RunRequest(run_key=f"resume-{run_id}", asset_selection=list(keys), tags=tags))
    if requests:
        return requests
    return dg.SkipReason(f"held work waiting for: {', '.join(sorted(set(waiting)))}" if waiting else "nothing held")


defs = dg.Definitions(sensors=[resume_held_work])
