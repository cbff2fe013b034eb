"""Read every project module's imports and docstring with `ast`, and print them as JSON.

tests/test_architecture.py runs this in a subprocess of its own: CPython 3.11's `ast.parse` can fail with
"SystemError: AST constructor recursion depth mismatch" in a process where an earlier AST construction failed
(python/cpython#106905), and the test suite runs many libraries that parse code before it.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("orderhub", "forecasts", "resources", "assets", "quality", "pipelines", "cli", "simulator")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(tree: ast.Module, path: Path) -> set[str]:
    """Every module the file imports, absolute, wherever the import statement stands."""
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names}  # `from pkg import module`
    return out


def scan() -> dict[str, dict]:
    out = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            rel = path.relative_to(ROOT).as_posix()
            out[rel] = {"imports": sorted(imports(tree, path)), "doc": ast.get_docstring(tree) or ""}
    return out


if __name__ == "__main__":
    json.dump(scan(), sys.stdout)
