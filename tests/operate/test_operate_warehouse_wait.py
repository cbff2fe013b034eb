"""A process that finds the warehouse file locked by another one waits its turn (bounded, logged) instead of
failing with DuckDB's 'Conflicting lock is held'; in-memory targets never wait."""

import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

from orderhub import warehouse


class Notes:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def info(self, msg: str) -> None:
        self.lines.append(msg)


def hold(path, seconds: float) -> subprocess.Popen:
    """Another process holding the file as its writer for `seconds`."""
    code = textwrap.dedent(f"""
        import duckdb, time
        con = duckdb.connect({str(path)!r})
        print("holding", flush=True)
        time.sleep({seconds})
        con.close()
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "holding"
    return proc


@pytest.mark.parametrize("read_only", [False, True])
def test_a_busy_file_is_waited_for_and_the_wait_is_logged(tmp_path, read_only):
    path = tmp_path / "wh.duckdb"
    warehouse.connect(path).close()  # schema exists, so a reader has something to open
    holder = hold(path, 1.5)
    notes = Notes()
    started = time.monotonic()
    con = warehouse.connect(path, read_only=read_only, wait_seconds=30, log=notes)
    waited = time.monotonic() - started
    con.close()
    holder.wait(timeout=10)
    assert 0.5 < waited < 15
    assert notes.lines[0].startswith("warehouse busy (locked by PID")
    assert f"PID {holder.pid}" in notes.lines[0]
    assert notes.lines[-1].startswith("warehouse free after")


def test_the_wait_is_bounded(tmp_path):
    path = tmp_path / "wh.duckdb"
    holder = hold(path, 10)
    try:
        started = time.monotonic()
        with pytest.raises(warehouse.WarehouseBusy, match=r"stayed locked by PID \d+ .*\(limit 1 s"):
            warehouse.connect(path, wait_seconds=1, log=Notes())
        assert time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait()


def test_other_errors_are_not_waited_for(tmp_path):
    bad = tmp_path / "not_a_database.duckdb"
    bad.write_bytes(b"this is not a duckdb file" * 100)
    started = time.monotonic()
    with pytest.raises(duckdb.Error):
        warehouse.connect(bad, wait_seconds=30)
    assert time.monotonic() - started < 5


def test_memory_targets_never_wait():
    con = warehouse.connect(":memory:", wait_seconds=0)
    assert con.execute("select count(*) from information_schema.schemata where schema_name = 'hub'").fetchone()[0] == 1
    con.close()
