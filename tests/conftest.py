"""Each test gets its own ORDERHUB_HOME so nothing touches the developer's warehouse.

Warehouse backends. `orderhub_home` points ORDERHUB_WAREHOUSE at the test's own warehouse on the test's backend
(the `backend` fixture): a DuckDB file, or a DuckLake with a SQLite catalog (PostgreSQL + S3 live in tests/lake/,
which start those services themselves).
- `make test` runs the warehouse-facing tests on both: every test that takes `backend` itself, and every test of a
  module marked `pytestmark = pytest.mark.both_backends` (ids `[duckdb]` / `[ducklake]`).
- A test of such a module that is about the DuckDB file by nature carries `@pytest.mark.file_only("why")`: it runs
  on the file only, and is skipped with that reason when the whole suite runs on a lake.
- Every other test runs on the file; `ORDERHUB_TEST_BACKEND=ducklake .venv/bin/pytest` runs the whole suite on a
  lake (README, "Tests"; several times as long, not part of `make test`).
Tests reach the warehouse through `warehouse.connect()` / `Warehouse()` with no path (ORDERHUB_WAREHOUSE) or
`orderhub_home.target` (the same), never through `orderhub_home.warehouse` (the file's path), or they would test
the file whatever the backend.
"""

from __future__ import annotations

import inspect
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from orderhub.settings import Paths

BACKENDS = ("duckdb", "ducklake")
DEFAULT_BACKEND = os.environ.get("ORDERHUB_TEST_BACKEND", "duckdb")
if DEFAULT_BACKEND not in BACKENDS:
    raise pytest.UsageError(f"ORDERHUB_TEST_BACKEND={DEFAULT_BACKEND!r}: expected one of {BACKENDS}")


def pytest_configure(config):
    config.addinivalue_line("markers", "both_backends: every test of the module runs on the DuckDB file and the lake")
    config.addinivalue_line("markers", "file_only(reason): about the DuckDB file by nature; never run on a lake")


def pytest_generate_tests(metafunc):
    if "backend" not in metafunc.fixturenames:
        return
    if any(m.args and "backend" in str(m.args[0]) for m in metafunc.definition.iter_markers("parametrize")):
        return  # the test chose its backends itself
    if metafunc.definition.get_closest_marker("file_only"):
        return
    asks = "backend" in inspect.signature(metafunc.function).parameters  # the test takes `backend` itself
    if asks or metafunc.definition.get_closest_marker("both_backends"):
        # the whole suite on a lake (ORDERHUB_TEST_BACKEND=ducklake) runs these on the lake alone
        metafunc.parametrize("backend", BACKENDS if DEFAULT_BACKEND == "duckdb" else ("ducklake",), indirect=True)


def lake_url(home: Path) -> str:
    return f"ducklake:sqlite://{home}/lake/catalog.sqlite?data={home}/lake/data"


def _use_backend(monkeypatch, home: Path, backend: str) -> str:
    if backend == "ducklake":
        url = lake_url(home)
        monkeypatch.setenv("ORDERHUB_WAREHOUSE", url)
        return url
    monkeypatch.delenv("ORDERHUB_WAREHOUSE", raising=False)
    return str(home / "warehouse.duckdb")


@pytest.fixture()
def backend(request) -> str:
    """The warehouse backend of this test: a parametrized one (see the module docstring), else
    ORDERHUB_TEST_BACKEND (default the DuckDB file)."""
    chosen = getattr(request, "param", None) or DEFAULT_BACKEND
    marker = request.node.get_closest_marker("file_only")
    if chosen == "ducklake" and marker is not None:
        pytest.skip(f"DuckDB file only: {marker.args[0] if marker.args else 'about the file backend'}")
    return chosen


@dataclass(frozen=True)
class HomeUnderTest(Paths):
    target: str = ""  # the test's ORDERHUB_WAREHOUSE: the DuckDB file's path or the lake's URL
    backend: str = "duckdb"


LAKE_USERS: list[str] = []  # tests on a lake whose lake was really created (see pytest_terminal_summary)
LAKE_ASKED: list[str] = []


@pytest.fixture()
def orderhub_home(request, tmp_path, monkeypatch, backend) -> HomeUnderTest:
    home = tmp_path / "orderhub"
    monkeypatch.setenv("ORDERHUB_HOME", str(home))
    monkeypatch.setenv("ORDERHUB_PII_SALT", "test-salt")
    yield HomeUnderTest(home, _use_backend(monkeypatch, home, backend), backend).ensure()
    if backend == "ducklake":
        LAKE_ASKED.append(request.node.nodeid)
        if (home / "lake" / "catalog.sqlite").exists():
            LAKE_USERS.append(request.node.nodeid)


def pytest_terminal_summary(terminalreporter):
    """How many tests asked for a lake, and how many of them really opened one (a test that opens a DuckDB file
    by its own path runs on that file whatever the backend)."""
    if LAKE_ASKED:
        terminalreporter.write_line(
            f"warehouse backends: {len(LAKE_ASKED)} tests ran with ORDERHUB_WAREHOUSE on a DuckLake, "
            f"{len(LAKE_USERS)} of them opened it"
        )


@pytest.fixture(autouse=True)
def _token_store(tmp_path, monkeypatch):
    """Channel clients read the shops' token store (and write it on a refresh or a token error): never the
    developer's."""
    monkeypatch.setenv("ORDERHUB_SECRETS_FILE", str(tmp_path / "secrets" / "shops.json"))
