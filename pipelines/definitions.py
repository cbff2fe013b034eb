"""The one Dagster entry point: the assets folder autoloaded, each domain's jobs, schedules and sensors, the
checks quality/ builds, and the resources bound in resources/bindings.py, with policies applied once:
freshness (quality/freshness.py), column schemas from the DDL, source code references, and the in-process
executor for every job (DuckDB allows one writing process: steps must not each open the file in a
subprocess of their own).
"""

import warnings
from functools import cache
from pathlib import Path

import dagster as dg

from assets.tables import with_column_schema
from orderhub.sqlmodels import project
from pipelines import alerts, forecast, hub, ingest, kpi, maintenance, operations
from quality.checks import build_checks
from quality.freshness import policy_for
from quality.sql_tests import build_sql_test_checks
from resources.bindings import bound

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DOMAINS = (ingest, hub, operations, kpi, forecast, alerts, maintenance)


def present_tables(assets: dg.Definitions) -> dict[str, bool]:
    """'schema.table' -> is partitioned, for every asset a run can materialize (external specs have no run
    that would execute their checks)."""
    out: dict[str, bool] = {}
    for a in assets.assets or []:
        if isinstance(a, dg.AssetsDefinition) and a.is_materializable:
            out.update({".".join(s.key.path): s.partitions_def is not None for s in a.specs})
    return out


def _policies(spec: dg.AssetSpec) -> dg.AssetSpec:
    spec = with_column_schema(spec)
    policy = policy_for(spec.key)
    return dg.apply_freshness_policy(spec, policy, overwrite_existing=False) if policy else spec


@cache
def build() -> dg.Definitions:
    loaded = dg.load_from_defs_folder(path_within_project=PROJECT_ROOT)
    checks = [*build_checks(present_tables(loaded)), *build_sql_test_checks(project.build_order(project.discover()))]
    merged = dg.Definitions.merge(
        dg.Definitions(
            assets=dg.with_source_code_references(list(loaded.assets or [])),
            asset_checks=checks,
            resources=bound(),
            executor=dg.in_process_executor,
        ),
        *(domain.defs for domain in DOMAINS),
    )
    with warnings.catch_warnings():  # map_resolved_asset_specs is marked preview in 1.13; its contract is what we need
        warnings.simplefilter("ignore")
        return merged.map_resolved_asset_specs(func=_policies)


@dg.definitions
def defs() -> dg.Definitions:
    return build()
