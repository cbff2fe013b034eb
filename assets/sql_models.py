"""Every SQL model under dbt_like_sql/ as a Dagster asset: key = the table or view it builds (`stg.*`, `kpi.*`),
deps = the tables its SQL reads, column schema = its sidecar YAML. Its YAML tests are asset checks built by
quality/ (quality/sql_tests.py), so every check lives in one place."""

import dagster as dg

from orderhub.dashboard.markdown import md_table
from orderhub.sqlmodels import project, run
from resources.warehouse import WAREHOUSE_POOL, Warehouse

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
    @dg.asset(
        key=asset_key(model.relation),
        deps=[asset_key(ref) for ref in sorted(model.refs)],
        kinds={"duckdb", "sql"},
        description=f"{model.description}\n\nBuilt from `{model.rel_path}` as a {model.materialized}.",
        group_name=GROUP_BY_SCHEMA.get(model.schema, model.schema),
        metadata={"dagster/column_schema": column_schema(model), "model_file": model.rel_path},
        pool=WAREHOUSE_POOL,
    )
    def _build(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            try:
                rows = run.materialize(con, model, run.variables_from_env())
            except run.ModelBuildError as err:
                raise dg.Failure(description=str(err), metadata={"model_file": model.rel_path}) from err
            metadata: dict = {"dagster/row_count": rows, "model_file": model.rel_path}
            if model.materialized == "table":
                metadata["preview"] = dg.MetadataValue.md(_preview_md(con, model))
        return dg.MaterializeResult(metadata=metadata)

    return _build


def model_assets(project_dir=project.PROJECT_DIR) -> list[dg.AssetsDefinition]:
    return [model_asset(m) for m in project.build_order(project.discover(project_dir))]


sql_models = model_assets()
