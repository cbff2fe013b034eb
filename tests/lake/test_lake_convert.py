"""`orderhub warehouse convert`: a warehouse written by OrderHub's previous release (DuckDB 2.0.1) becomes one
DuckDB 1.5.5 opens, with every row, the original kept as a backup."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main
from orderhub import warehouse
from orderhub.convert import BACKUP_SUFFIX, ConversionError, convert, converter_python, readable

ROWS = "select count(*), string_agg(cursor_name, ',' order by cursor_name), sum(value::int) from ops.cursors"


def _warehouse(path: Path) -> tuple:
    con = warehouse.connect(path)
    con.execute("insert into ops.cursors select 'c' || range, range::varchar, now() from range(300)")
    rows = con.execute(ROWS).fetchone()
    con.close()
    return rows


def test_convert_copies_every_table_keeps_the_original_and_never_overwrites_a_backup(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    rows = _warehouse(path)
    done = convert(path, python=sys.executable, log=lambda _: None)  # any DuckDB that reads the file will do here
    assert done.backup == tmp_path / f"warehouse.duckdb{BACKUP_SUFFIX}" and done.backup.exists()
    assert done.rows >= 300
    con = warehouse.connect(path)
    assert con.execute(ROWS).fetchone() == rows
    con.close()
    with pytest.raises(ConversionError, match="exists already"):
        convert(path, python=sys.executable, log=lambda _: None)


@pytest.fixture(scope="session")
def duckdb201() -> Path:
    """A Python with DuckDB 2.0.1, built once per machine from the package index (like the command does)."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "orderhub-tests"
    python = cache / "duckdb201" / "bin" / "python"
    if not python.exists():
        cache.mkdir(parents=True, exist_ok=True)
        try:
            converter_python(cache, log=lambda _: None)
        except ConversionError as exc:
            pytest.skip(f"cannot install duckdb==2.0.1 from the package index here: {str(exc)[:200]}")
    return python


def test_a_duckdb_201_warehouse_is_converted_by_the_command(tmp_path, monkeypatch, duckdb201):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("ORDERHUB_HOME", str(home))
    monkeypatch.delenv("ORDERHUB_WAREHOUSE", raising=False)
    source = tmp_path / "made_by_155.duckdb"
    rows = _warehouse(source)
    live = home / "warehouse.duckdb"
    copy = (  # the previous release's file: written by DuckDB 2.0.1 in its own storage format
        f"import duckdb; c = duckdb.connect(); c.execute(\"attach '{source}' as s (read_only)\"); "
        f"c.execute(\"attach '{live}' as d\"); c.execute('copy from database s to d')"
    )
    subprocess.run([str(duckdb201), "-c", copy], check=True)
    assert not readable(live)
    with pytest.raises(warehouse.WarehouseTooNew, match="orderhub warehouse convert"):
        warehouse.connect(live)

    result = CliRunner().invoke(main, ["warehouse", "convert", "--duckdb-python", str(duckdb201)])
    assert result.exit_code == 0, result.output
    assert "original kept as" in result.output and "read with DuckDB 2.0.1" in result.output
    con = warehouse.connect(live)
    assert con.execute(ROWS).fetchone() == rows
    con.close()
    assert (home / f"warehouse.duckdb{BACKUP_SUFFIX}").exists()
    again = CliRunner().invoke(main, ["warehouse", "convert"])
    assert again.exit_code == 0 and "nothing to convert" in again.output
