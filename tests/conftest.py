"""Each test gets its own ORDERHUB_HOME so nothing touches the developer's warehouse.

Warehouse backends: tests that take the `backend` fixture run on a DuckDB file and on a DuckLake with a SQLite
catalog (the PostgreSQL + S3 variants live in tests/lake/, which start those services themselves). Every other test
uses the DuckDB file, unless `ORDERHUB_TEST_BACKEND=ducklake .venv/bin/pytest` runs the whole suite on a lake (not
part of `make test`: it takes several times as long).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

BACKENDS = ("duckdb", "ducklake")


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
def orderhub_home(tmp_path, monkeypatch):
    home = tmp_path / "orderhub"
    monkeypatch.setenv("ORDERHUB_HOME", str(home))
    monkeypatch.setenv("ORDERHUB_PII_SALT", "test-salt")
    _use_backend(monkeypatch, home, os.environ.get("ORDERHUB_TEST_BACKEND", "duckdb"))
    from orderhub import settings

    return settings.paths().ensure()


@pytest.fixture(autouse=True)
def _token_store(tmp_path, monkeypatch):
    """Channel clients read the shops' token store (and write it on a refresh or a token error): never the
    developer's."""
    monkeypatch.setenv("ORDERHUB_SECRETS_FILE", str(tmp_path / "secrets" / "shops.json"))


@pytest.fixture(params=BACKENDS)
def backend(request, orderhub_home, monkeypatch) -> str:
    """Run the test on each warehouse backend; ORDERHUB_WAREHOUSE points at this test's warehouse."""
    _use_backend(monkeypatch, orderhub_home.home, request.param)
    return request.param
