"""ORDERHUB_DUCKDB_MEMORY_LIMIT bounds DuckDB's memory in every warehouse connection; a value DuckDB cannot read
is an error naming the setting, and leaves the file free."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from orderhub import warehouse


def _limit(con) -> str:
    return con.execute("select current_setting('memory_limit')").fetchone()[0]


def test_the_setting_bounds_duckdb_memory(tmp_path, monkeypatch):
    path = tmp_path / "wh.duckdb"
    monkeypatch.delenv(warehouse.MEMORY_ENV, raising=False)
    con = warehouse.connect(path)
    default = _limit(con)
    con.close()
    monkeypatch.setenv(warehouse.MEMORY_ENV, "300MB")
    for read_only in (False, True):
        con = warehouse.connect(path, read_only=read_only)
        assert _limit(con) == "286.1 MiB" != default  # DuckDB's MB are 10^6 bytes
        con.close()


@pytest.mark.parametrize("value", ["lots", "1GB'; drop table x; --"])
def test_a_bad_value_is_an_error_naming_the_setting(tmp_path, monkeypatch, value):
    path = tmp_path / "wh.duckdb"
    monkeypatch.setenv(warehouse.MEMORY_ENV, value)
    with pytest.raises(ValueError, match="ORDERHUB_DUCKDB_MEMORY_LIMIT=.* is not a memory size"):
        warehouse.connect(path, wait_seconds=0)
    monkeypatch.setenv(warehouse.MEMORY_ENV, "2GB")
    con = warehouse.connect(path, wait_seconds=0)  # the failed connection was closed: the file is free
    assert _limit(con) == "1.8 GiB"
    con.close()


def test_the_command_line_names_a_bad_setting_without_a_traceback(tmp_path, monkeypatch):
    monkeypatch.delenv(warehouse.MEMORY_ENV, raising=False)
    monkeypatch.delenv("ORDERHUB_WAREHOUSE", raising=False)
    warehouse.connect(tmp_path / "warehouse.duckdb").close()  # a home with a warehouse, which status opens
    orderhub = Path(sys.executable).parent / "orderhub"
    for bad in ({warehouse.MEMORY_ENV: "lots"}, {"ORDERHUB_WAREHOUSE": "ducklake:mysql://host/erp"}):
        env = {**os.environ, "ORDERHUB_HOME": str(tmp_path), **bad}
        out = subprocess.run([str(orderhub), "status"], env=env, capture_output=True, text=True, timeout=120)
        assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr[-2000:]
        assert out.stderr.startswith(f"Error: {next(iter(bad))}="), out.stderr
