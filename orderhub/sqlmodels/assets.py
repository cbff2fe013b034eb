"""Turn every SQL model into a Dagster asset: key = table, deps = tables its SQL reads, YAML tests = checks."""


from collections.abc import Iterator

import dagster as dg

from orderhub.dashboard.markdown import md_table
from orderhub.sqlmodels import project, run
from pipelines.partitions import WAREHOUSE_POOL
from resources.warehouse import Warehouse

GROUP_BY_SCHEMA = {"stg": "kpi_staging", "kpi": "kpi"}


def asset_key(relation: str) -> dg.AssetKey:
    return dg.AssetKey(relation.split("."))


def column_schema(model: project.Model) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[dg.TableColumn(name=c.name, type=c.type, description=c.description or None) for c in model.columns]
    )


def _preview_md(con, model: project.Model, limit: int = 10) -> str:
    return md_table(con.execute(f"select * from {model.relation} limit {limit}").df())


def model_asset(model: project.Model) -> dg.AssetsDefinition:
    key = asset_key(model.relation)
    checks = [
        dg.AssetCheckSpec(name=name, asset=key, description=desc, blocking=True)
        for name, desc in run.check_names(model)
    ]

    @dg.asset(
        key=key,
        deps=[asset_key(ref) for ref in sorted(model.refs)],
        kinds={"duckdb", "sql"},
        description=f"{model.description}\n\nBuilt from `{model.rel_path}` as a {model.materialized}.",
        group_name=GROUP_BY_SCHEMA.get(model.schema, model.schema),
        metadata={"dagster/column_schema": column_schema(model), "model_file": model.rel_path},
        check_specs=checks,
        pool=WAREHOUSE_POOL,
    )
    def _build(context: dg.AssetExecutionContext, warehouse: Warehouse) -> Iterator[dg.MaterializeResult]:
        with warehouse.connect() as con:
            try:
                rows = run.materialize(con, model, run.variables_from_env())
            except run.ModelBuildError as err:
                raise dg.Failure(description=str(err), metadata={"model_file": model.rel_path}) from err
            results = run.run_tests(con, model)
            metadata: dict = {"dagster/row_count": rows, "model_file": model.rel_path}
            if model.materialized == "table":
                metadata["preview"] = dg.MetadataValue.md(_preview_md(con, model))
        failed = [r.name for r in results if not r.passed]
        if failed:
            context.log.error(f"{model.rel_path}: tests failed: {', '.join(failed)}")
        yield dg.MaterializeResult(
            metadata=metadata,
            check_results=[
                dg.AssetCheckResult(
                    check_name=r.name,
                    passed=r.passed,
                    severity=dg.AssetCheckSeverity.ERROR,
                    description=r.description,
                    metadata={"failing_rows": r.failing, "sample": dg.MetadataValue.json(r.sample)},
                )
                for r in results
            ],
        )

    return _build


def model_assets(project_dir=project.PROJECT_DIR) -> list[dg.AssetsDefinition]:
    return [model_asset(m) for m in project.build_order(project.discover(project_dir))]
