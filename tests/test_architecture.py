"""Guard rails: the layers import one way, and a table's name leads to its code in one step.

Imports are read from the source with `ast` (every import, also those inside functions; tests/arch_scan.py), so a
late import cannot hide an upward dependency or a circle.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ("orderhub", "forecasts", "resources", "assets", "quality", "pipelines", "cli", "simulator")
# package -> project packages it may import (itself included); "dagster" marks the Dagster-free core
ALLOWED = {
    "orderhub": {"orderhub", "forecasts"},
    "forecasts": {"orderhub", "forecasts"},
    "resources": {"orderhub", "forecasts", "resources"},
    "assets": {"orderhub", "forecasts", "resources", "assets"},
    "quality": {"orderhub", "forecasts", "resources", "quality"},
    "pipelines": {"orderhub", "forecasts", "resources", "assets", "quality", "pipelines"},
    "cli": set(PROJECT),
    "simulator": {"simulator"},
}
DAGSTER_FREE = ("orderhub", "forecasts", "simulator")
LAUNCHERS = {"cli/demo.py", "cli/ui.py"}  # the only code that imports both the simulator and pipelines/


SCAN: dict[str, dict] = json.loads(
    subprocess.run(
        [sys.executable, str(Path(__file__).with_name("arch_scan.py"))], capture_output=True, text=True, check=True
    ).stdout
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources(*packages: str) -> list[Path]:
    return sorted(p for pkg in packages for p in (ROOT / pkg).rglob("*.py") if "__pycache__" not in p.parts)


def imports(path: Path) -> set[str]:
    return set(SCAN[path.relative_to(ROOT).as_posix()]["imports"])


def project_imports(path: Path) -> set[str]:
    return {m for m in imports(path) if m.split(".")[0] in PROJECT}


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_layers_import_one_way(package):
    wrong = [
        f"{p.relative_to(ROOT)} imports {m}"
        for p in sources(package)
        for m in sorted(project_imports(p))
        if m.split(".")[0] not in ALLOWED[package]
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("package", DAGSTER_FREE)
def test_the_core_and_the_simulator_never_import_dagster(package):
    wrong = [
        str(p.relative_to(ROOT)) for p in sources(package) if any(m.split(".")[0] == "dagster" for m in imports(p))
    ]
    assert not wrong


def test_only_the_launchers_import_both_the_simulator_and_pipelines():
    both = {
        str(p.relative_to(ROOT))
        for p in sources(*PROJECT)
        if {m.split(".")[0] for m in project_imports(p)} >= {"simulator", "pipelines"}
    }
    assert both <= LAUNCHERS


def _graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in sources(*PROJECT)}
    graph = {}
    for name, path in files.items():
        targets = set()
        for m in project_imports(path):
            while m and m not in files:  # `from pkg import name` where name is not a module
                m = m.rpartition(".")[0]
            if m and m != name and not name.startswith(m + "."):  # a package's own __init__ is not a circle
                targets.add(m)
        graph[name] = targets
    return graph


def test_no_import_circles():
    graph, state, cycles = _graph(), {}, []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(
                    " -> ".join(trail[trail.index(nxt) :] + [node, nxt]) if nxt in trail else f"{node} -> {nxt}"
                )
            elif nxt not in state:
                visit(nxt, trail + [node])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert not cycles, "\n".join(cycles)


# ---- a table's name leads to its code ----------------------------------------------------------------------
def _docstring(path: Path) -> str:
    return SCAN[path.relative_to(ROOT).as_posix()]["doc"]


def _asset_modules() -> dict[str, Path]:
    """'schema.table' -> assets/<schema>/<table>.py"""
    return {f"{p.parent.name}.{p.stem}": p for p in (ROOT / "assets").glob("*/*.py") if p.stem != "__init__"}


def _named_in_asset_docstrings() -> str:
    return "\n".join(_docstring(p) for p in sources("assets"))


def test_every_warehouse_table_leads_to_its_asset_module():
    from orderhub.ddl import tables

    modules, named = _asset_modules(), _named_in_asset_docstrings()
    lost = [t for t in tables() if t not in modules and t not in named]
    assert not lost, f"tables with no assets/<schema>/<table>.py and not named in an asset module docstring: {lost}"


def test_every_asset_key_leads_to_its_file():
    from orderhub.sqlmodels import project
    from pipelines.definitions import build

    models = {m.relation: m for m in project.discover()}
    modules = _asset_modules()
    wrong = []
    for assets_def in build().assets:
        keys = sorted(".".join(k.path) for k in (assets_def.keys if hasattr(assets_def, "keys") else [assets_def.key]))
        if keys[0].split(".")[0] in ("stg", "kpi"):
            wrong += [k for k in keys if k not in models or models[k].path.stem != k.split(".")[1]]
            continue
        homes = [k for k in keys if k in modules]  # a multi-asset lives in the file of one of its tables
        if len(homes) != 1:
            wrong.append(f"{keys}: {len(homes)} modules under assets/ (want exactly one)")
            continue
        doc = _docstring(modules[homes[0]])
        wrong += [
            f"{k}: not named in the docstring of {modules[homes[0]].relative_to(ROOT)}"
            for k in keys
            if k != homes[0] and k not in doc
        ]
    assert not wrong, "\n".join(wrong)


def test_every_asset_module_is_named_after_a_table_or_asset_and_defines_no_definitions():
    from orderhub.ddl import tables
    from pipelines.definitions import build

    keys = {".".join(k.path) for k in build().resolve_asset_graph().get_all_asset_keys()}
    strays = [str(p.relative_to(ROOT)) for t, p in _asset_modules().items() if t not in set(tables()) | keys]
    assert not strays, f"modules under assets/<schema>/ that build no table: {strays}"
    defining = [str(p.relative_to(ROOT)) for p in sources("assets") if "Definitions(" in p.read_text(encoding="utf-8")]
    assert not defining, f"asset modules must not build Definitions (pipelines/definitions.py does): {defining}"


def test_quality_suites_share_their_tables_stem():
    from orderhub.ddl import tables
    from orderhub.sqlmodels import project
    from quality.checks import load_suites

    known = set(tables()) | {m.relation for m in project.discover()}
    for table in load_suites():
        assert table in known, f"suite for unknown table {table}"
    for path in (ROOT / "quality/suites").glob("*/*.py"):
        if path.stem != "__init__":
            assert f'table="{path.parent.name}.{path.stem}"' in path.read_text(encoding="utf-8"), path


def test_no_retired_dagster_apis():
    retired = ("AutoMaterializePolicy", "SourceAsset", "compute_kind")
    wrong = [
        f"{p.relative_to(ROOT)}: {name}"
        for p in sources(*PROJECT)
        for name in retired
        if name in p.read_text(encoding="utf-8")
    ]
    assert not wrong
