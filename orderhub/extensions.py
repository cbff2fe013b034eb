"""DuckDB extensions from the installed `duckdb-extension-*` packages, never downloaded.

DuckDB fetches extensions from extensions.duckdb.org, which these machines cannot reach, and `LOAD ducklake` by
name still tries to. The package index ships them as wheels built for one DuckDB version (1.5.5, hence the pin),
each holding `<package>/extensions/v1.5.5/<name>.duckdb_extension`. Loading those files by path fails for two of
them: DuckDB derives the entry point from the file name, and sqlite's and postgres' canonical names are
`sqlite_scanner` and `postgres_scanner`. So OrderHub builds an extension directory in DuckDB's own layout
(`<root>/v1.5.5/<platform>/<canonical>.duckdb_extension`), made of symlinks to the installed files, points
`extension_directory` at it and turns `autoinstall_known_extensions` off: `LOAD ducklake`, the autoload on
`ATTACH 'ducklake:sqlite:…'` and `LOAD httpfs` resolve locally, and a missing package fails at once, naming it.

The directory is per interpreter (`<venv>/share/duckdb-extensions`), so another venv with another DuckDB never
sees these files; where that is not writable (an analyst on a shared venv) a per-user cache directory is used.
`ORDERHUB_DUCKDB_EXTENSION_DIR` overrides both.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from functools import cache
from pathlib import Path

import duckdb

# package suffix (duckdb-extension-<suffix>) -> DuckDB's canonical extension name, the file name it looks for
PACKAGES = {"ducklake": "ducklake", "sqlite": "sqlite_scanner", "postgres": "postgres_scanner", "httpfs": "httpfs"}
DIR_ENV = "ORDERHUB_DUCKDB_EXTENSION_DIR"


class ExtensionMissing(RuntimeError):
    """An extension OrderHub needs is not installed for this DuckDB version."""


def packaged_files() -> dict[str, Path]:
    """canonical name -> the installed .duckdb_extension file built for this DuckDB version."""
    version = f"v{duckdb.__version__}"
    found = {}
    for package, canonical in PACKAGES.items():
        spec = importlib.util.find_spec(f"duckdb_extension_{package}")
        if spec is None or not spec.origin:
            continue
        path = Path(spec.origin).parent / "extensions" / version / f"{package}.duckdb_extension"
        if path.exists():
            found[canonical] = path
    return found


@cache
def _platform() -> str:
    con = duckdb.connect()
    try:
        return con.execute("pragma platform").fetchone()[0]  # e.g. 'linux_amd64'
    finally:
        con.close()


def _build(root: Path) -> Path:
    target = root / f"v{duckdb.__version__}" / _platform()
    target.mkdir(parents=True, exist_ok=True)
    for canonical, source in packaged_files().items():
        link = target / f"{canonical}.duckdb_extension"
        if link.is_symlink() and link.resolve() == source.resolve():
            continue
        tmp = link.with_name(f".{link.name}.{os.getpid()}")
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(source)
        os.replace(tmp, link)  # atomic: processes starting together may build it at the same time
    return root


@cache
def directory() -> Path:
    """The extension directory (built on first use, idempotently)."""
    if os.environ.get(DIR_ENV):
        return _build(Path(os.environ[DIR_ENV]))
    try:
        return _build(Path(sys.prefix) / "share" / "duckdb-extensions")
    except OSError:  # a venv this user may not write to
        cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        tag = hashlib.md5(sys.prefix.encode()).hexdigest()[:12]
        return _build(cache_home / "orderhub" / f"duckdb-extensions-{tag}")


def offline_config() -> dict[str, object]:
    """`duckdb.connect(config=...)` that resolves extensions locally and never downloads one."""
    return {
        "extension_directory": str(directory()),
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": True,
    }


def load(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    """LOAD each extension (package suffix or canonical name), with the package to install when one is missing."""
    for name in names:
        try:
            con.execute(f"load {name}")
        except duckdb.IOException as exc:
            package = next((p for p, c in PACKAGES.items() if name in (p, c)), name)
            raise ExtensionMissing(
                f"DuckDB extension {name!r} is not installed for DuckDB {duckdb.__version__}: "
                f"pip install duckdb-extension-{package}=={duckdb.__version__} (OrderHub never downloads extensions)"
            ) from exc
