import dagster as dg

from pipelines.definitions import defs


def test_definitions_load_and_validate():
    dg.Definitions.validate_loadable(defs)


def test_every_asset_key_is_a_schema_qualified_table_with_a_description():
    for spec in defs.resolve_all_asset_specs():
        path = spec.key.path
        assert len(path) == 2, f"{spec.key} should be ['schema', 'table']"
        assert spec.description, f"{spec.key} needs a business docstring"
