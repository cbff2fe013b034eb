"""A DuckLake warehouse: the catalog in SQLite or PostgreSQL, the data as Parquet in a folder or on S3.

    ducklake:sqlite:///abs/catalog.sqlite?data=/abs/dir          several local processes (one commits at a time)
    ducklake:postgres://user@host:5432/db?data=s3://bucket/pfx   many machines: the production layout
    ducklake:postgres://user@host:5432/db?data=/shared/dir       (a local or shared folder works too)

Optional query parameters: `schema=NAME` keeps the lake's catalog tables in that PostgreSQL schema (several lakes in
one database); `inline=N` sets the data-inlining row limit (small writes are kept in the catalog until flushed).
Secrets never go in the URL: PostgreSQL reads PGPASSWORD / ~/.pgpass (libpq); S3 reads AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN) and ORDERHUB_S3_ENDPOINT / _REGION / _URL_STYLE / _USE_SSL.

The connection is an in-memory DuckDB with the lake attached as `lake` and made the default (`USE lake`), so
every query OrderHub runs (`hub.orders`, `ops.cursors`, temp tables) is the same on a file and on a lake.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb

from orderhub import extensions
from orderhub.settings import SettingError

PREFIX = "ducklake:"
ALIAS = "lake"
_PARAMS = {"data", "schema", "inline"}


class LakeNotFound(duckdb.IOException):
    """A reader asked for a lake that no writer has created yet."""


@dataclass(frozen=True)
class LakeUrl:
    catalog_kind: str  # 'sqlite' | 'postgres'
    catalog: str  # sqlite: absolute file path; postgres: a libpq URI without secrets
    data_path: str  # '' = the one recorded in the catalog
    schema: str = ""
    inline: int | None = None

    @property
    def attach_target(self) -> str:
        return f"ducklake:{self.catalog_kind}:{self.catalog}"

    @property
    def display(self) -> str:
        """For messages: no password, even when someone put one in the URL."""
        parts = urlsplit(self.catalog) if self.catalog_kind == "postgres" else None
        where = self.catalog if parts is None else parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
        return f"ducklake:{self.catalog_kind}:{where}" + (f"?data={self.data_path}" if self.data_path else "")


def is_lake(target: str) -> bool:
    return str(target).startswith(PREFIX)


def parse(url: str) -> LakeUrl:
    if not is_lake(url):
        raise ValueError(f"not a DuckLake URL: {url!r}")
    rest = url[len(PREFIX) :]
    kind, sep, tail = rest.partition("://")
    if not sep or kind not in ("sqlite", "postgres", "postgresql"):
        raise SettingError(
            f"ORDERHUB_WAREHOUSE={url!r}: expected ducklake:sqlite:///CATALOG?data=DIR or "
            f"ducklake:postgres://USER@HOST:PORT/DB?data=s3://BUCKET/PREFIX"
        )
    parts = urlsplit(f"{kind}://{tail}")
    query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    unknown = set(query) - _PARAMS
    if unknown:
        raise SettingError(f"ORDERHUB_WAREHOUSE: unknown parameter(s) {sorted(unknown)}; known: {sorted(_PARAMS)}")
    data = query.get("data", "")
    if data and "://" not in data:
        data = str(Path(data).expanduser().resolve())
    if data and not data.endswith("/"):
        data += "/"
    inline = int(query["inline"]) if query.get("inline") else None
    if kind == "sqlite":
        path = (parts.netloc + parts.path) if parts.netloc else parts.path
        if not path:
            raise SettingError(f"ORDERHUB_WAREHOUSE={url!r}: no SQLite catalog file")
        return LakeUrl("sqlite", str(Path(path).expanduser().resolve()), data, "", inline)
    if not parts.path.strip("/"):
        raise SettingError(f"ORDERHUB_WAREHOUSE={url!r}: no PostgreSQL database name")
    return LakeUrl("postgres", f"postgresql://{parts.netloc}{parts.path}", data, query.get("schema", ""), inline)


def ensure_wal(path: str) -> None:
    """A SQLite catalog must be in WAL mode before DuckLake first opens it: in the default rollback journal an
    open reader blocks every writer's commit (then 'database is locked'); in WAL readers never block."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30)
    try:
        if db.execute("pragma journal_mode").fetchone()[0].lower() != "wal":
            db.execute("pragma journal_mode=wal")  # persistent: recorded in the file
    finally:
        db.close()


def _s3_secret(con: duckdb.DuckDBPyConnection, data_path: str) -> None:
    bucket = "s3://" + data_path[len("s3://") :].split("/", 1)[0]
    env = os.environ.get
    options = {
        "key_id": env("AWS_ACCESS_KEY_ID"),
        "secret": env("AWS_SECRET_ACCESS_KEY"),
        "session_token": env("AWS_SESSION_TOKEN"),
        "region": env("ORDERHUB_S3_REGION") or env("AWS_REGION") or env("AWS_DEFAULT_REGION"),
        "endpoint": env("ORDERHUB_S3_ENDPOINT"),
        "url_style": env("ORDERHUB_S3_URL_STYLE"),
    }
    parts = [f"{k} {_quote(v)}" for k, v in options.items() if v]
    if env("ORDERHUB_S3_USE_SSL"):
        parts.append(f"use_ssl {env('ORDERHUB_S3_USE_SSL', '').lower() in ('1', 'true', 'yes')}")
    parts.append(f"scope {_quote(bucket)}")
    con.execute(f"create or replace temporary secret orderhub_lake_s3 (type s3, {', '.join(parts)})")


def _quote(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def attach(
    con: duckdb.DuckDBPyConnection,
    url: LakeUrl,
    alias: str = ALIAS,
    read_only: bool = False,
    *,
    at: datetime | None = None,
    snapshot: int | None = None,
) -> duckdb.DuckDBPyConnection:
    """Attach the lake to `con` as `alias` (a writer creates it if absent; a reader never does). A reader may ask
    for the lake as it was at a time (`at`) or a snapshot id: every table then answers as of that moment."""
    extensions.load(con, "ducklake", url.catalog_kind)
    options = []
    if at is not None or snapshot is not None:
        if not read_only:
            raise ValueError("only a reader can look at an earlier state of the lake")
        options.append(
            f"snapshot_version {int(snapshot)}" if snapshot is not None else f"snapshot_time '{at.isoformat()}'"
        )
    if url.catalog_kind == "sqlite":
        if read_only and not Path(url.catalog).exists():
            raise LakeNotFound(f"no lake at {url.display}: a writer creates it on its first run")
        if not read_only:
            ensure_wal(url.catalog)
        options.append("metadata_parameters map {'busy_timeout': 10000}")
    elif url.schema:
        options.append(f"metadata_schema {_quote(url.schema)}")
    if url.data_path.startswith("s3://"):
        extensions.load(con, "httpfs")
        _s3_secret(con, url.data_path)
    elif url.data_path and not read_only:
        Path(url.data_path).mkdir(parents=True, exist_ok=True)
    if url.data_path and not read_only:  # used on creation, must match afterwards; readers take the catalog's
        options.append(f"data_path {_quote(url.data_path)}")
    if url.inline is not None:
        options.append(f"data_inlining_row_limit {url.inline}")
    if read_only:
        options.append("read_only")
    try:
        con.execute(f"attach {_quote(url.attach_target)} as {alias} ({', '.join(options)})")
    except duckdb.InvalidInputException as exc:
        if read_only and "creating a new DuckLake is explicitly disabled" in str(exc):
            # the catalog file is there but its first writer has not created the lake in it yet
            raise LakeNotFound(f"no lake at {url.display} yet: a writer is creating it") from exc
        if "data_path is not set" in str(exc):
            raise duckdb.InvalidInputException(
                f"{url.display}: a new lake needs a data folder: add ?data=DIR (or ?data=s3://BUCKET/PREFIX)"
            ) from exc
        raise
    return con


def on_lake(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether `con` works in a DuckLake (the current database is one)."""
    row = con.execute("select type from duckdb_databases() where database_name = current_database()").fetchone()
    return bool(row) and row[0] == "ducklake"


def connect(url: str | LakeUrl, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the lake attached as `lake` and in use; extensions from the installed packages."""
    spec = parse(url) if isinstance(url, str) else url
    con = duckdb.connect(":memory:", config=extensions.offline_config())
    try:
        # an in-memory database spills to ./.tmp (relative to wherever the process runs) unless told otherwise
        spill = os.environ.get("ORDERHUB_DUCKDB_TEMP_DIR") or os.path.join(
            tempfile.gettempdir(), f"orderhub-duckdb-{os.getuid()}"
        )
        con.execute(f"set temp_directory = {_quote(spill)}")
        attach(con, spec, ALIAS, read_only)
        con.execute(f"use {ALIAS}")
    except BaseException:
        con.close()
        raise
    return con
