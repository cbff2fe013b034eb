"""The SQL-model runner: deps come from the SQL, errors name the file, YAML tests really run."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from assets.sql_models import model_asset, model_assets
from orderhub import warehouse
from orderhub.sqlmodels import project, run
from quality.sql_tests import build_model_tests
from resources.warehouse import Warehouse


def write_model(root: Path, rel: str, sql: str, yml: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(sql, encoding="utf-8")
    path.with_suffix(".yml").write_text(yml, encoding="utf-8")
    return path


YML = "description: a test model\ncolumns:\n  - {name: order_id, type: varchar, tests: [not_null, unique]}\n"


def test_referenced_relations_ignore_ctes_and_table_functions():
    sql = """
    with orders as (select * from stg.stg_orders),
         calls as (select * from ops.api_calls where exists (select 1 from hub.quarantine q))
    select o.order_id from orders o
    join kpi.order_timings t using (order_id)
    cross join range(3) r(i)
    left join (select order_id from HUB.After_Sales_Tickets) x using (order_id)
    """
    assert project.referenced_relations(sql) == {
        "stg.stg_orders",
        "ops.api_calls",
        "hub.quarantine",
        "kpi.order_timings",
        "hub.after_sales_tickets",
    }


def test_naming_convention_and_deps_follow_the_sql(tmp_path):
    root = tmp_path / "dbt_like_sql"
    write_model(root, "staging/stg_x.sql", "with s as (select * from hub.orders) select order_id from s", YML)
    write_model(root, "marts/kpi/y.sql", "select order_id from stg.stg_x join ops.api_calls using (order_id)", YML)
    write_model(root, "marts/z.sql", "select order_id from kpi.y", YML)
    models = {m.relation: m for m in project.build_order(project.discover(root))}
    assert list(models) == ["stg.stg_x", "kpi.y", "kpi.z"]
    assert models["stg.stg_x"].materialized == "view" and models["kpi.y"].materialized == "table"
    assert models["kpi.y"].rel_path == "dbt_like_sql/marts/kpi/y.sql"

    specs = {a.key: a for a in model_assets(root)}
    deps = {key.to_user_string(): {d.to_user_string() for d in a.asset_deps[key]} for key, a in specs.items()}
    assert deps == {"stg/stg_x": {"hub/orders"}, "kpi/y": {"stg/stg_x", "ops/api_calls"}, "kpi/z": {"kpi/y"}}

    # change the SQL, and the dependency changes with it: nobody keeps a list
    write_model(root, "marts/z.sql", "select order_id from hub.orders", YML)
    z = model_assets(root)[-1]
    assert {d.to_user_string() for d in z.asset_deps[z.key]} == {"hub/orders"}


def test_real_project_assets_have_kinds_schema_and_sql_deps():
    for asset in model_assets():
        spec = next(iter(asset.specs))
        model = project.load_model(project.PROJECT_DIR / spec.metadata["model_file"].split("/", 1)[1])
        assert {d.asset_key for d in spec.deps} == {dg.AssetKey(r.split(".")) for r in model.refs}
        assert spec.kinds == {"duckdb", "sql"}
        assert spec.description and spec.key.path == [model.schema, model.name]
        names = [c.name for c in spec.metadata["dagster/column_schema"].columns]
        assert names == [c.name for c in model.columns]
    daily = project.load_model(project.PROJECT_DIR / "marts/kpi/daily_fulfilment.sql")
    assert {"kpi.order_timings", "stg.stg_api_calls", "stg.stg_wms_events"} <= daily.refs


def test_sql_error_names_the_file_and_quotes_duckdb(tmp_path):
    root = tmp_path / "dbt_like_sql"
    write_model(root, "marts/kpi/broken.sql", "select order_idd as order_id from hub.orders", YML)
    (model,) = project.discover(root)
    con = warehouse.connect(tmp_path / "w.duckdb")
    with pytest.raises(run.ModelBuildError) as err:
        run.materialize(con, model)
    message = str(err.value)
    assert "dbt_like_sql/marts/kpi/broken.sql" in message and "order_idd" in message and "Binder Error" in message
    # the failed build left nothing behind
    assert con.execute("select count(*) from information_schema.tables where table_name = 'broken'").fetchone()[0] == 0


def test_missing_upstream_table_fails_clearly(tmp_path):
    root = tmp_path / "dbt_like_sql"
    write_model(root, "staging/stg_nope.sql", "select order_id from hub.not_landed_yet", YML)
    (model,) = project.discover(root)
    con = warehouse.connect(tmp_path / "w.duckdb")
    with pytest.raises(run.ModelBuildError, match=r"stg_nope\.sql.*not_landed_yet"):
        run.materialize(con, model)


def test_dagster_failure_carries_the_file_name(tmp_path):
    root = tmp_path / "dbt_like_sql"
    write_model(root, "marts/kpi/broken.sql", "select order_idd as order_id from hub.orders", YML)
    (model,) = project.discover(root)
    result = dg.materialize(
        [model_asset(model)], resources={"warehouse": Warehouse(path=str(tmp_path / "w.duckdb"))}, raise_on_error=False
    )
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    text = str(failure.event_specific_data.error)
    assert "dbt_like_sql/marts/kpi/broken.sql" in text and "order_idd" in text


def test_yaml_tests_run_and_fail_with_samples(tmp_path):
    root = tmp_path / "dbt_like_sql"
    yml = YML + (
        "  - {name: channel, type: varchar, tests: [{accepted_values: {values: [taobao]}}]}\n"
        "tests:\n  - expression: {name: not_jd, sql: \"channel <> 'jd'\"}\n"
    )
    sql = "select * from (values ('a', 'taobao'), ('a', 'jd'), (null, 'taobao')) t(order_id, channel)"
    write_model(root, "marts/kpi/dupes.sql", sql, yml)
    (model,) = project.discover(root)
    con = warehouse.connect(tmp_path / "w.duckdb")
    run.materialize(con, model)
    results = {r.name: r for r in run.run_tests(con, model)}
    assert results["not_null__order_id"].failing == 1
    assert results["unique__order_id"].failing == 1 and results["unique__order_id"].sample[0]["order_id"] == "a"
    assert results["accepted_values__channel"].failing == 1
    assert results["expression__not_jd"].failing == 1
    assert results["columns_documented"].passed

    result = dg.materialize(
        [model_asset(model), build_model_tests(model)],
        resources={"warehouse": Warehouse(path=str(tmp_path / "w.duckdb"))},
        raise_on_error=False,
    )
    evals = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert evals["unique__order_id"] is False and evals["columns_documented"] is True


def test_undocumented_column_and_missing_sidecar_are_caught(tmp_path):
    root = tmp_path / "dbt_like_sql"
    write_model(root, "marts/kpi/extra.sql", "select 'x' as order_id, 1 as surprise", YML)
    (model,) = project.discover(root)
    con = warehouse.connect(tmp_path / "w.duckdb")
    run.materialize(con, model)
    drift = next(r for r in run.run_tests(con, model) if r.name == "columns_documented")
    assert not drift.passed and drift.sample == [{"column": "surprise", "yaml": None, "built": "INTEGER"}]

    write_model(root, "marts/kpi/extra.sql", "select 1 as order_id", YML)  # documented as varchar
    (model,) = project.discover(root)
    run.materialize(con, model)
    drift = next(r for r in run.run_tests(con, model) if r.name == "columns_documented")
    assert drift.sample == [{"column": "order_id", "yaml": "VARCHAR", "built": "INTEGER"}]

    (root / "marts/kpi/extra.yml").unlink()
    with pytest.raises(project.ModelDefinitionError, match="missing sidecar YAML"):
        project.discover(root)


def test_dependency_cycle_is_refused(tmp_path):
    root = tmp_path / "dbt_like_sql"
    write_model(root, "marts/kpi/a.sql", "select order_id from kpi.b", YML)
    write_model(root, "marts/kpi/b.sql", "select order_id from kpi.a", YML)
    with pytest.raises(project.ModelDefinitionError, match="cycle"):
        project.build_order(project.discover(root))
