"""Discover the plain-SQL models under `dbt_like_sql/` and work out what each one reads.

Naming convention (one rule, no config needed):

- the *layer* folder decides how a model is built: `staging/` → view, `marts/` → table;
- the schema is the first sub-folder under the layer if there is one (`marts/kpi/daily_fulfilment.sql` →
  `kpi`), else the layer's default schema (`staging` → `stg`, `marts` → `kpi`);
- the table name is the file stem. So `staging/stg_orders.sql` → view `stg.stg_orders` and
  `marts/kpi/daily_fulfilment.sql` → table `kpi.daily_fulfilment`, asset key `["kpi", "daily_fulfilment"]`.

Dependencies are the `schema.table` names the SQL references (parsed with sqlglot), never a hand list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlglot
import yaml
from sqlglot import exp

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_like_sql"
LAYERS: dict[str, tuple[str, str]] = {"staging": ("stg", "view"), "marts": ("kpi", "table")}


class ModelDefinitionError(ValueError):
    """A model file or its sidecar YAML is malformed (raised at load time, before anything runs)."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str = ""
    tests: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Model:
    path: Path
    schema: str
    name: str
    materialized: str  # 'view' | 'table'
    sql: str
    description: str
    columns: tuple[Column, ...]
    model_tests: tuple[Any, ...] = ()
    refs: frozenset[str] = field(default_factory=frozenset)
    rel_path: str = ""  # shown in errors, e.g. 'dbt_like_sql/marts/kpi/daily_fulfilment.sql'

    @property
    def relation(self) -> str:
        return f"{self.schema}.{self.name}"


def referenced_relations(sql: str, *, source: str = "<sql>") -> frozenset[str]:
    """`schema.table` names a query reads; CTE names and unqualified table functions are ignored."""
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError as err:
        raise ModelDefinitionError(f"{source}: sqlglot cannot parse the SQL: {err}") from err
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    refs = set()
    for table in tree.find_all(exp.Table):
        if table.db and table.name and table.name.lower() not in ctes | {""}:
            refs.add(f"{table.db.lower()}.{table.name.lower()}")
    return frozenset(refs)


def _columns(raw: list[dict], source: Path) -> tuple[Column, ...]:
    cols = []
    for entry in raw or []:
        if "name" not in entry or "type" not in entry:
            raise ModelDefinitionError(f"{source}: every column needs 'name' and 'type': {entry!r}")
        cols.append(
            Column(
                entry["name"], entry["type"], (entry.get("description") or "").strip(), tuple(entry.get("tests") or ())
            )
        )
    return tuple(cols)


def load_model(path: Path, project_dir: Path = PROJECT_DIR) -> Model:
    parts = path.relative_to(project_dir).parts
    if parts[0] not in LAYERS:
        raise ModelDefinitionError(f"{path}: models live under {sorted(LAYERS)}")
    default_schema, materialized = LAYERS[parts[0]]
    schema = parts[1] if len(parts) > 2 else default_schema
    sidecar = path.with_suffix(".yml")
    if not sidecar.exists():
        raise ModelDefinitionError(f"{path}: missing sidecar YAML {sidecar.name} (description, columns, tests)")
    meta = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
    if not (meta.get("description") or "").strip():
        raise ModelDefinitionError(f"{sidecar}: 'description' is required")
    sql = path.read_text(encoding="utf-8").strip().rstrip(";")
    return Model(
        path=path,
        schema=schema,
        name=path.stem,
        materialized=materialized,
        sql=sql,
        description=meta["description"].strip(),
        columns=_columns(meta.get("columns"), sidecar),
        model_tests=tuple(meta.get("tests") or ()),
        refs=referenced_relations(sql, source=str(path)),
        rel_path=str(path.relative_to(project_dir.parent)),
    )


def discover(project_dir: Path = PROJECT_DIR) -> list[Model]:
    """Every `*.sql` under the layer folders, sorted so the order is stable across runs."""
    models = [load_model(p, project_dir) for layer in LAYERS for p in sorted((project_dir / layer).rglob("*.sql"))]
    seen: dict[str, Path] = {}
    for m in models:
        if m.relation in seen:
            raise ModelDefinitionError(f"{m.path} and {seen[m.relation]} both build {m.relation}")
        seen[m.relation] = m.path
    return models


def build_order(models: list[Model]) -> list[Model]:
    """Topological order (models that read other models come after them); stable for ties."""
    by_rel = {m.relation: m for m in models}
    done: list[Model] = []
    state: dict[str, int] = {}

    def visit(m: Model, trail: tuple[str, ...]) -> None:
        if state.get(m.relation) == 2:
            return
        if state.get(m.relation) == 1:
            raise ModelDefinitionError(f"dependency cycle: {' -> '.join(trail + (m.relation,))}")
        state[m.relation] = 1
        for ref in sorted(m.refs):
            if ref in by_rel:
                visit(by_rel[ref], trail + (m.relation,))
        state[m.relation] = 2
        done.append(m)

    for m in models:
        visit(m, ())
    return done
