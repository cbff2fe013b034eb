"""The analysts' view: exactly what an analyst may open, and the one way `orderhub sql` opens it.

- On a DuckLake: the lake itself, attached read-only. Analysts see live data with snapshot isolation (a query sees
  one committed state even while pipelines write), and can ask for an earlier state (`at=`, `snapshot=`).
- On a DuckDB file: the copy published after each successful run ($ORDERHUB_HOME/warehouse_ro.duckdb, see
  orderhub/publish.py), read-only. The live file has one writer and no reader beside it.

Neither holds personal data: landing moves buyer names, phones and addresses into the protected store
(orderhub/privacy), which this view never attaches. `attach_sql()` prints the statements a plain DuckDB client runs
to open the same view.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from orderhub import extensions, lake, publish, settings


class ViewUnavailable(RuntimeError):
    """Nothing an analyst could open yet (no published copy, no lake), or a request the backend cannot serve."""


def describe() -> str:
    target = settings.warehouse_target()
    if lake.is_lake(target):
        return f"{lake.parse(target).display} (live, read-only)"
    return f"{settings.paths().warehouse_readonly} (published copy of {target}, read-only)"


def connect(at: datetime | None = None, snapshot: int | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the analysts' view, in UTC session time."""
    target = settings.warehouse_target()
    if not lake.is_lake(target):
        if at is not None or snapshot is not None:
            raise ViewUnavailable(
                "time travel needs a DuckLake warehouse (ORDERHUB_WAREHOUSE=ducklake:…); a DuckDB file keeps only its "
                "latest state"
            )
        path = settings.paths().warehouse_readonly
        if not Path(path).exists():
            raise ViewUnavailable(
                f"nothing published yet at {path}: it is written after each successful pipeline run "
                f"(or by hand: python -m orderhub.publish)"
            )
        return publish.connect_readonly(path)
    con = duckdb.connect(":memory:", config=extensions.offline_config())
    try:
        lake.attach(con, lake.parse(target), lake.ALIAS, read_only=True, at=at, snapshot=snapshot)
        con.execute(f"use {lake.ALIAS}")
        con.execute("set TimeZone = 'UTC'")
    except BaseException:
        con.close()
        raise
    return con


def attach_sql() -> list[str]:
    """What a plain DuckDB 1.5.5 client (CLI, Python, DBeaver) runs to open the same view."""
    target = settings.warehouse_target()
    if not lake.is_lake(target):
        return [f"ATTACH '{settings.paths().warehouse_readonly}' AS orderhub (READ_ONLY);", "USE orderhub;"]
    url = lake.parse(target)
    lines = [
        f"SET extension_directory = '{extensions.directory()}';  -- the packages' extensions, never downloaded",
        "SET autoinstall_known_extensions = false;",
    ]
    if url.data_path.startswith("s3://"):
        lines.append(
            "CREATE SECRET (TYPE s3, KEY_ID '…', SECRET '…', REGION '…', ENDPOINT '…', URL_STYLE 'path');"
            "  -- read-only keys for the lake's bucket"
        )
    schema = f", METADATA_SCHEMA '{url.schema}'" if url.schema else ""
    lines += [f"ATTACH '{url.attach_target}' AS lake (READ_ONLY{schema});", "USE lake;"]
    return lines
