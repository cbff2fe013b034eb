"""ORDERHUB_DUCKDB_MEMORY_LIMIT bounds DuckDB's memory in every warehouse connection; a value DuckDB cannot read
is an error naming the setting, and leaves the file free."""

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
