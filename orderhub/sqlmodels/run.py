"""Build one model in DuckDB and run its sidecar tests. Dagster-free: tests and scripts call it directly."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from orderhub.sqlmodels.project import Model, ModelDefinitionError
from orderhub.transaction import is_retryable, retrying

# Session variables the marts read with getvariable(); unset → the SQL falls back to a data-driven default.
# Only tables may use them (a view would be evaluated later in a session where they are unset).
VARIABLE_ENV = {
    "as_of_at": "ORDERHUB_KPI_AS_OF",  # ISO timestamp; "now" for backlog/waits (default: now())
    "kpi_baseline_start": "ORDERHUB_KPI_BASELINE_START",  # first day of the "old way" baseline (date)
    "kpi_baseline_end": "ORDERHUB_KPI_BASELINE_END",  # first day after the baseline (date, exclusive)
}


class ModelBuildError(RuntimeError):
    """The model's SQL failed in DuckDB; the message names the file and quotes DuckDB."""


@dataclass(frozen=True)
class TestResult:
    name: str  # e.g. 'not_null__order_day' (also the Dagster asset check name)
    passed: bool
    failing: int
    description: str
    sample: list[dict]


def variables_from_env() -> dict[str, str]:
    return {var: os.environ[env] for var, env in VARIABLE_ENV.items() if os.environ.get(env)}


def _literal(name: str, value: str | date | datetime) -> str:
    # Values come from operators' env vars: parse them, so nothing but a date/timestamp is spliced into SQL.
    if name == "as_of_at":
        ts = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        return f"timestamptz '{ts.isoformat()}'"
    d = value if isinstance(value, date) else date.fromisoformat(str(value))
    return f"date '{d.isoformat()}'"


def set_variables(con: duckdb.DuckDBPyConnection, variables: dict[str, str | date | datetime]) -> None:
    unknown = set(variables) - set(VARIABLE_ENV)
    if unknown:
        raise ModelDefinitionError(f"unknown model variables {sorted(unknown)}; known: {sorted(VARIABLE_ENV)}")
    for name in VARIABLE_ENV:  # variables live on the connection: clear what this build does not set
        if name in variables:
            con.execute(f"set variable {name} = {_literal(name, variables[name])}")
        else:
            con.execute(f"reset variable {name}")


def materialize(con: duckdb.DuckDBPyConnection, model: Model, variables: dict | None = None) -> int:
    """`create or replace` the model's view/table in one transaction. Returns its row count."""
    set_variables(con, variables or {})
    kind = "view" if model.materialized == "view" else "table"

    def build(con: duckdb.DuckDBPyConnection) -> int:
        try:
            con.execute(f"create or replace {kind} {model.relation} as\n{model.sql}")
            return int(con.execute(f"select count(*) from {model.relation}").fetchone()[0])
        except duckdb.Error as err:
            if is_retryable(err):
                raise
            raise ModelBuildError(f"{model.rel_path}: building {kind} {model.relation} failed: {err}") from err

    # on a lake another run may rebuild the same model at the same time: the later commit is run again
    return retrying(con, build, what=f"building {model.relation}")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _test_sql(model: Model, test: object, column: str | None) -> tuple[str, str, str]:
    """(check name, description, SQL selecting the failing rows) for one YAML test entry."""
    rel = model.relation
    if isinstance(test, str):
        kind, arg = test, None
    elif isinstance(test, dict) and len(test) == 1:
        kind, arg = next(iter(test.items()))
    else:
        raise ModelDefinitionError(f"{model.rel_path}: cannot read test {test!r}")
    col = _quote(column) if column else None
    if kind == "not_null" and col:
        return f"not_null__{column}", f"{column} is never null", f"select * from {rel} where {col} is null"
    if kind == "unique" and col:
        return (
            f"unique__{column}",
            f"{column} is unique",
            f"select {col}, count(*) as n from {rel} group by all having count(*) > 1",
        )
    if kind == "accepted_values" and col:
        values = arg["values"] if isinstance(arg, dict) else arg
        listed = ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)
        return (
            f"accepted_values__{column}",
            f"{column} in ({listed})",
            f"select * from {rel} where {col} is not null and {col}::varchar not in ({listed})",
        )
    if kind == "unique_combination" and not col:
        cols = ", ".join(_quote(c) for c in arg)
        return (
            f"unique__{'__'.join(arg)}",
            f"({', '.join(arg)}) is unique",
            f"select {cols}, count(*) as n from {rel} group by all having count(*) > 1",
        )
    if kind == "expression" and not col:
        name = arg["name"]
        return (
            f"expression__{name}",
            f"every row satisfies: {arg['sql']}",
            f"select * from {rel} where not ({arg['sql']})",
        )
    raise ModelDefinitionError(f"{model.rel_path}: unknown test {kind!r} (column={column})")


# YAML may use DuckDB's short type names; information_schema reports the long ones.
_TYPE_ALIASES = {
    "timestamptz": "TIMESTAMP WITH TIME ZONE",
    "int": "INTEGER",
    "bool": "BOOLEAN",
    "text": "VARCHAR",
    "string": "VARCHAR",
    "float8": "DOUBLE",
    "int8": "BIGINT",
    "int4": "INTEGER",
}


def run_tests(con: duckdb.DuckDBPyConnection, model: Model) -> list[TestResult]:
    """Run every YAML test plus a drift test that the documented columns are exactly the built ones."""
    results = []
    specs = [(c.name, t) for c in model.columns for t in c.tests] + [(None, t) for t in model.model_tests]
    for column, test in specs:
        name, description, sql = _test_sql(model, test, column)
        failing = con.execute(f"select count(*) from ({sql})").fetchone()[0]
        sample = con.execute(f"select * from ({sql}) limit 5").df().astype(str).to_dict("records") if failing else []
        results.append(TestResult(name, failing == 0, int(failing), description, sample))
    built = dict(
        con.execute(
            "select column_name, data_type from information_schema.columns where table_schema = ? and table_name = ?",
            [model.schema, model.name],
        ).fetchall()
    )
    documented = {c.name: _TYPE_ALIASES.get(c.type.lower(), c.type.upper()) for c in model.columns}
    drift = [
        {"column": c, "yaml": documented.get(c), "built": built.get(c)}
        for c in sorted(set(built) | set(documented))
        if documented.get(c) != built.get(c)
    ]
    results.append(
        TestResult(
            "columns_documented",
            not drift,
            len(drift),
            "the sidecar YAML documents exactly the built columns and types",
            drift,
        )
    )
    return results


def check_names(model: Model) -> list[tuple[str, str]]:
    """(name, description) of every test the model will run, known before it runs (Dagster check specs)."""
    specs = [(c.name, t) for c in model.columns for t in c.tests] + [(None, t) for t in model.model_tests]
    names = [_test_sql(model, t, col)[:2] for col, t in specs]
    return names + [("columns_documented", "the sidecar YAML documents exactly the built columns and types")]
