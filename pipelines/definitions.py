"""The one Dagster entry point: the assets folder autoloaded, each domain's jobs, schedules and sensors, the
checks quality/ builds, and the resources bound in resources/bindings.py, with policies applied once:
freshness (quality/freshness.py), column schemas from the DDL, source code references, the quality gate
(every asset lists, in `orderhub/gated_by`, the upstream tables whose failed blocking checks hold it:
resources/gate.py), and the in-process executor for every job, including Dagster's implicit `__ASSET_JOB`
behind a UI "Materialize" (DuckDB allows one writing process: steps must not each open the file in a
subprocess of their own).
"""

import warnings
from functools import cache
from pathlib import Path

import dagster as dg

from assets.tables import with_column_schema
from orderhub.sqlmodels import project
from pipelines import alerts, forecast, hub, ingest, kpi, maintenance, operations, quality_gate
from quality.checks import build_checks
from quality.freshness import policy_for
from quality.sql_tests import build_sql_test_checks
from resources.bindings import bound
from resources.gate import GATED_BY

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DOMAINS = (ingest, hub, operations, kpi, forecast, alerts, maintenance, quality_gate)


def present_tables(assets: dg.Definitions) -> dict[str, dg.PartitionsDefinition | bool]:
    """'schema.table' -> its PartitionsDefinition (or False), for every asset a run can materialize (external
    specs have no run that would execute their checks)."""
    out: dict[str, dg.PartitionsDefinition | bool] = {}
    for a in assets.assets or []:
        if isinstance(a, dg.AssetsDefinition) and a.is_materializable:
            out.update({".".join(s.key.path): s.partitions_def or False for s in a.specs})
    return out


def gate_sources(defs: dg.Definitions) -> dict[dg.AssetKey, list[str]]:
    """asset -> the upstream tables (any distance) with blocking checks: while one of their windows' latest
    blocking check failed, the asset does not build (resources/gate.py)."""
    graph = defs.resolve_asset_graph()
    checked = {ck.asset_key for ck in graph.asset_check_keys if graph.get_check_spec(ck).blocking}
    out = {}
    for key in graph.materializable_asset_keys:
        upstream = (graph.get_ancestor_asset_keys(key) - {key}) & checked
        if upstream:
            out[key] = sorted(".".join(k.path) for k in upstream)
    return out


def _policies(spec: dg.AssetSpec, gated: dict[dg.AssetKey, list[str]] | None = None) -> dg.AssetSpec:
    spec = with_column_schema(spec)
    if gated and spec.key in gated:
        spec = spec.merge_attributes(metadata={GATED_BY: dg.MetadataValue.json(gated[spec.key])})
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
        gated = gate_sources(merged)
        return merged.map_resolved_asset_specs(func=lambda spec: _policies(spec, gated))


@dg.definitions
def defs() -> dg.Definitions:
    return build()
