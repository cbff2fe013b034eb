"""Convert a warehouse file written by DuckDB 2.x (OrderHub's previous release ran 2.0.1) to the storage format the
pinned DuckDB 1.5.5 reads.

DuckDB 1.5.5 cannot open a file written by 2.0.1 ("version number 999"), and only 2.x can read it. So the
conversion runs in a second Python that has DuckDB 2.0.1, installed into a temporary virtual environment from the
package index (or one given with --duckdb-python), which copies every table, view and macro into a new file in
the v1.5.0 storage format (`ATTACH … (STORAGE_VERSION 'v1.5.0')` + `COPY FROM DATABASE`). This DuckDB then opens
the new file and checks that every table holds as many rows as the original; only then is the original moved
aside (`<name>.duckdb201`, kept as the backup) and the new file renamed into its place.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import venv
from dataclasses import dataclass
from pathlib import Path

import duckdb

CONVERTER_DUCKDB = "duckdb==2.0.1"
BACKUP_SUFFIX = ".duckdb201"

# run by the other interpreter: argv = source, target; prints {table: rows} of the source
SCRIPT = r"""
import json, sys, duckdb
source, target = sys.argv[1], sys.argv[2]
quote = lambda p: "'" + p.replace("'", "''") + "'"
con = duckdb.connect()
con.execute(f"attach {quote(source)} as old (read_only)")
con.execute(f"attach {quote(target)} as new (storage_version 'v1.5.0')")
con.execute("copy from database old to new")
tables = con.execute(
    "select schema_name, table_name from duckdb_tables() where database_name = 'old' order by all"
).fetchall()
counts = {f"{s}.{t}": con.execute(f'select count(*) from old."{s}"."{t}"').fetchone()[0] for s, t in tables}
con.close()
print(json.dumps({"duckdb": duckdb.__version__, "tables": counts}))
"""


class ConversionError(RuntimeError):
    pass


@dataclass(frozen=True)
class Converted:
    path: Path
    backup: Path
    tables: int
    rows: int
    converter: str  # the DuckDB version that read the old file


def readable(path: Path) -> bool:
    """Whether this DuckDB can open the file (False: written by a newer DuckDB)."""
    try:
        duckdb.connect(str(path), read_only=True).close()
    except duckdb.IOException as exc:
        if "version number" in str(exc):
            return False
        raise
    return True


def converter_python(workdir: Path, log=print) -> Path:
    """A Python with DuckDB 2.0.1: a throwaway venv in `workdir`, filled from the configured package index."""
    env_dir = workdir / "duckdb201"
    log(f"creating a temporary environment with {CONVERTER_DUCKDB} in {env_dir} (from the package index)")
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", CONVERTER_DUCKDB],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise ConversionError(
            f"could not install {CONVERTER_DUCKDB} into a temporary environment:\n{done.stderr.strip()[-2000:]}\n"
            f"Install it yourself (python -m venv /tmp/d201 && /tmp/d201/bin/pip install {CONVERTER_DUCKDB}) and "
            f"pass --duckdb-python /tmp/d201/bin/python"
        )
    return python


def convert(path: str | Path, python: str | Path | None = None, log=print) -> Converted:
    """Convert `path` in place (the original becomes `<path>.duckdb201`); `python`: an interpreter with DuckDB
    2.x (default: a temporary environment). Refuses when a backup already exists, so nothing is overwritten."""
    path = Path(path).resolve()
    backup = path.with_name(path.name + BACKUP_SUFFIX)
    if not path.exists():
        raise ConversionError(f"no warehouse file at {path}")
    if backup.exists():
        raise ConversionError(f"{backup} exists already (an earlier conversion?): move it away first")
    with tempfile.TemporaryDirectory(prefix="orderhub-convert-") as tmp:
        work = Path(tmp)
        interpreter = Path(python) if python else converter_python(work, log)
        target = path.with_name(f".{path.name}.converting.{os.getpid()}")
        target.unlink(missing_ok=True)
        log(f"copying {path} into the DuckDB 1.5 storage format with {interpreter}")
        done = subprocess.run(
            [str(interpreter), "-c", SCRIPT, str(path), str(target)], capture_output=True, text=True, cwd=work
        )
        try:
            if done.returncode:
                raise ConversionError(f"the conversion failed:\n{done.stderr.strip()[-2000:]}")
            report = json.loads(done.stdout.strip().splitlines()[-1])
            _verify(target, report["tables"])
            os.replace(path, backup)
            os.replace(target, path)
        finally:
            target.unlink(missing_ok=True)
            target.with_name(target.name + ".wal").unlink(missing_ok=True)
    rows = sum(report["tables"].values())
    return Converted(path, backup, len(report["tables"]), rows, report["duckdb"])


def _verify(target: Path, expected: dict[str, int]) -> None:
    """The new file opens with this DuckDB and every table has the row count the old one had."""
    con = duckdb.connect(str(target), read_only=True)
    try:
        for table, rows in expected.items():
            schema, name = table.split(".", 1)
            got = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
            if got != rows:
                raise ConversionError(f"{table}: {got} rows after conversion, {rows} before; original left as is")
    finally:
        con.close()


if __name__ == "__main__":  # python -m orderhub.convert PATH [PYTHON]
    print(convert(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
