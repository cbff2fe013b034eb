"""The SQL models' own tests (their sidecar YAML under dbt_like_sql/) as blocking Dagster asset checks.

One `@multi_asset_check` per model with one spec per test, built from the models it is given (like dbt
tests: the model builds, then its tests judge what it built). These checks do not raise alerts of their
own: a failed one stops its run, and the run-failure alert pages on-call.
"""

from datetime import UTC, datetime

import dagster as dg

from orderhub import gate
from orderhub.sqlmodels import project, run
from quality.alerting import job_label
from resources.warehouse import WAREHOUSE_POOL, Warehouse

SQL_TEST_STEP_SUFFIX = "_sql_tests"


def build_model_tests(model: project.Model) -> dg.AssetChecksDefinition:
    key = dg.AssetKey(model.relation.split("."))
    specs = [
        dg.AssetCheckSpec(name, asset=key, description=desc, blocking=True) for name, desc in run.check_names(model)
    ]

    @dg.multi_asset_check(
        name=f"{model.schema}_{model.name}{SQL_TEST_STEP_SUFFIX}",
        specs=specs,
        can_subset=True,
        pool=WAREHOUSE_POOL,
        description=f"Tests of {model.rel_path} (its sidecar YAML).",
    )
    def _tests(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
        only = {k.name for k in context.selected_asset_check_keys}
        with warehouse.connect() as con:
            results = [r for r in run.run_tests(con, model) if r.name in only]
            record_model_tests(con, model, results, context.op_execution_context.run)
        failed = [r.name for r in results if not r.passed]
        if failed:
            context.log.error(f"{model.rel_path}: tests failed: {', '.join(failed)}")
        for r in results:
            yield dg.AssetCheckResult(
                asset_key=key,
                check_name=r.name,
                passed=r.passed,
                severity=dg.AssetCheckSeverity.ERROR,
                description=r.description,
                metadata={"failing_rows": r.failing, "sample": dg.MetadataValue.json(r.sample)},
            )

    return _tests


def record_model_tests(con, model: project.Model, results: list, dagster_run) -> None:
    """Every test's verdict into ops.check_results (window 'all'): a failed one holds what is built from
    the model in later runs too (orderhub/gate.py)."""
    now = datetime.now(UTC)
    label = job_label(dagster_run.job_name, dagster_run.asset_selection)
    rows = [
        gate.CheckRow(
            model.relation,
            r.name,
            gate.WHOLE_TABLE,
            True,
            r.passed,
            int(r.failing or 0),
            None if r.passed else f"{r.failing} failing row(s)",
            now,
            dagster_run.run_id,
            label,
        )
        for r in results
    ]
    gate.record(con, rows, keep_only=[name for name, _ in run.check_names(model)])


def build_sql_test_checks(models: list[project.Model]) -> list[dg.AssetChecksDefinition]:
    return [build_model_tests(m) for m in models]
