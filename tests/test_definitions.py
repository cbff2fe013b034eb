import dagster as dg

from pipelines.definitions import build, defs


def test_definitions_load_and_validate():
    dg.Definitions.validate_loadable(defs())


def test_every_asset_key_is_a_schema_qualified_table_with_a_description_and_columns():
    for spec in build().resolve_all_asset_specs():
        path = spec.key.path
        assert len(path) == 2, f"{spec.key} should be ['schema', 'table']"
        assert spec.description, f"{spec.key} needs a business docstring"
        schema = (spec.metadata or {}).get("dagster/column_schema")
        assert schema is not None and schema.columns, f"{spec.key} needs a column schema"


def test_every_job_runs_in_process():
    """DuckDB allows one writing process: a step in a subprocess of its own would fight for the file lock."""
    d = build()
    for job in d.resolve_all_job_defs():
        assert job.executor_def.name == "in_process", f"{job.name} uses {job.executor_def.name}"
