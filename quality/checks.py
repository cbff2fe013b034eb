"""Dagster asset checks built from the suites (the suites are plain data; this module is the wiring).

One `@multi_asset_check` per table (one step: one GE context, one column-pruned load of the window) with one
AssetCheckSpec per rule, so blocking rules show and block individually. The caller (pipelines/definitions.py)
says which tables exist as assets and whether they are partitioned: a check needs its asset, and this package
never imports an asset module. Every hub/kpi/inventory/forecast table gets the blocking PII rule even if it
has no suite of its own yet. Suites are discovered under quality/suites/<schema>/<table>.py.
"""

import importlib
import pkgutil
import warnings
from dataclasses import replace
from datetime import date

import dagster as dg

from orderhub.ddl import table_key, tables
from quality import suites as suites_package
from quality import windows
from quality.alerting import record_outcomes
from quality.framework import Registry, RuleResult, TableSuite, Window, run_suite
from quality.keys import RULE_NAME, key_rule
from quality.pii import EXEMPT_TABLES, PII_SCHEMAS, pii_rule
from quality.report import expectations_table, markdown_table, sample
from resources.notifier import Notifier
from resources.quality_settings import QualitySettings
from resources.warehouse import WAREHOUSE_POOL, Warehouse

# Tables no asset materializes (written inside other assets' runs) get their rules on the asset whose runs
# write them, so the rules run after every ingest instead of never.
FALLBACK = {"ops.api_calls": "raw.channel_orders", "hub.quarantine": "raw.channel_orders"}


def load_suites() -> dict[str, TableSuite]:
    """Every `SUITE` under quality/suites/, keyed by its table ('schema.table')."""
    reg = Registry()
    for info in pkgutil.walk_packages(suites_package.__path__, f"{suites_package.__name__}."):
        module = importlib.import_module(info.name)
        if hasattr(module, "SUITE"):
            reg.add(module.SUITE)
    return reg.suites


def run_window(context: dg.AssetCheckExecutionContext) -> Window:
    """The partition window of the run that materialized the asset; the whole table when run on its own."""
    try:
        pkr = context.op_execution_context.partition_key_range
        return Window(date.fromisoformat(pkr.start), date.fromisoformat(pkr.end))
    except Exception:  # noqa: BLE001 - unpartitioned run or non-date keys
        return Window()


def _metadata(r: RuleResult, suite: TableSuite, settings: QualitySettings) -> dict:
    meta: dict = {
        "failing_count": dg.MetadataValue.int(r.failing_count),
        "rows_checked": dg.MetadataValue.int(len(r.frame)),
        "window": dg.MetadataValue.text(r.window.label),
        "expectations": dg.MetadataValue.md(expectations_table(r) if r.outcomes else "_not evaluated_"),
    }
    if not r.passed:
        meta["failing_sample"] = dg.MetadataValue.md(markdown_table(sample(r, suite, settings.sample_rows)))
    if r.error:
        meta["error"] = dg.MetadataValue.text(r.error[:2000])
    return meta


def _severity(r: RuleResult) -> dg.AssetCheckSeverity:
    return dg.AssetCheckSeverity.ERROR if r.rule.blocking else dg.AssetCheckSeverity.WARN


def check_result(r: RuleResult, suite: TableSuite, settings: QualitySettings) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=dg.AssetKey(suite.asset_path),
        check_name=r.rule.name,
        passed=r.passed,
        metadata=_metadata(r, suite, settings),
        severity=_severity(r),
    )


def partition_evaluation(
    r: RuleResult, day: date, rows: int | None, suite: TableSuite, settings: QualitySettings
) -> dg.AssetCheckEvaluation:
    """One rule's verdict on one partition day, so the UI shows every partition's own result."""
    meta = _metadata(r, suite, settings)
    meta["window"] = dg.MetadataValue.text(day.isoformat())
    meta["evaluated_over"] = dg.MetadataValue.text(r.window.label)
    if rows is not None:
        meta["rows_checked"] = dg.MetadataValue.int(rows)
    return dg.AssetCheckEvaluation(
        asset_key=dg.AssetKey(suite.asset_path),
        check_name=r.rule.name,
        passed=r.passed,
        metadata=meta,
        severity=_severity(r),
        blocking=r.rule.blocking,
        partition=day.isoformat(),
    )


QUALITY_STEP_SUFFIX = "_quality"


def is_quality_step(step_key: str) -> bool:
    """A step of one of these checks: it raised its own check_failed alerts before yielding its results."""
    return step_key.endswith(QUALITY_STEP_SUFFIX)


def build_check(
    suite: TableSuite, partitioned: bool, partitions_def: dg.PartitionsDefinition | None = None
) -> dg.AssetChecksDefinition:
    """`partitions_def` (the asset's) makes the checks partitioned: each partition of a ranged run gets its
    own result in the UI, in ops.check_results and in the alerts."""
    key = dg.AssetKey(suite.asset_path)
    specs = [
        dg.AssetCheckSpec(
            r.name, asset=key, blocking=r.blocking, description=r.description, partitions_def=partitions_def
        )
        for r in suite.rules
    ]
    outputs = {s.name: s.get_python_identifier() for s in specs}

    @dg.multi_asset_check(
        name=f"{'_'.join(suite.asset_path)}{QUALITY_STEP_SUFFIX}",
        specs=specs,
        can_subset=True,
        pool=WAREHOUSE_POOL,
        description=f"Great Expectations suite for {suite.table} (quality/suites).",
    )
    def _check(
        context: dg.AssetCheckExecutionContext,
        warehouse: Warehouse,
        notifier: Notifier,
        quality_settings: QualitySettings,
    ):
        window = run_window(context) if partitioned else Window()
        only = {k.name for k in context.selected_asset_check_keys}
        run = context.op_execution_context.run
        with warehouse.connect() as con:
            results = run_suite(con, suite, quality_settings, window, only)
            verdicts = windows.per_day(con, suite, quality_settings, window, results) if partitioned else {}
            record_outcomes(con, suite, results, verdicts, run, notifier, context.log)
        if partitions_def is None:
            for r in results:
                yield check_result(r, suite, quality_settings)
            return
        for r in results:
            yield dg.Output(None, output_name=outputs[r.rule.name])
            rows = windows.rows_per_day(r, suite.partition_column) or {}
            for day, verdict in sorted(verdicts[r.rule.name].items()):
                yield partition_evaluation(verdict, day, rows.get(day, 0 if rows else None), suite, quality_settings)

    return _check


def build_checks(
    present: dict[str, bool | dg.PartitionsDefinition], suites: dict[str, TableSuite] | None = None
) -> list[dg.AssetChecksDefinition]:
    """`present`: 'schema.table' -> its PartitionsDefinition (partitioned checks), True (partitioned asset,
    checks over the run's range) or False, for every table a run can materialize."""
    suites = dict(load_suites() if suites is None else suites)
    with_ddl = set(tables())
    for table in sorted(with_ddl & (set(present) | set(FALLBACK))):
        key = table_key(table)
        base = suites.get(table) or TableSuite(table, (), "order_date" if present.get(table) else None)
        if key and not any(r.name == RULE_NAME for r in base.rules):
            suites[table] = base.with_rules(key_rule(table, key))
    for table, host in FALLBACK.items():
        if table in suites and table not in present and host in present:
            moved = suites.pop(table)
            base = suites.get(host) or TableSuite(host, ())
            taken = {r.name for r in base.rules}  # one name per check on the host (e.g. both have key_unique)
            rules = [
                r if r.name not in taken else replace(r, name=f"{table.split('.')[1]}_{r.name}") for r in moved.rules
            ]
            suites[host] = base.with_rules(*rules)
    out = []
    for table, partitioned in sorted(present.items()):
        suite = suites.get(table)
        if table.split(".")[0] in PII_SCHEMAS and table not in EXEMPT_TABLES:
            base = suite or TableSuite(table, (), "order_date" if partitioned else None)
            suite = base.with_rules(pii_rule(table, base.partition_column))
        if suite is not None and suite.rules:
            pdef = partitioned if isinstance(partitioned, dg.PartitionsDefinition) else None
            with warnings.catch_warnings():  # partitioned AssetCheckSpecs are a preview in 1.13; we rely on them
                warnings.simplefilter("ignore")
                out.append(build_check(suite, bool(partitioned), pdef))
    return out
