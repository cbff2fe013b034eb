"""Throwaway services on loopback for the PostgreSQL + S3 lake tests and bench/warehouse_backends.py: a PostgreSQL
cluster from Debian's `postgresql` binaries and moto's S3 server. Each yields None with the reason when it cannot
be started here, so callers skip (tests) or leave the column out (bench)."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

BUCKET = "orderhub-lake"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: as root, run them as the package's `postgres` user."""
    # runuser lives in /usr/sbin, which a minimal PATH (env -i, cron) leaves out
    runuser = shutil.which("runuser", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"]))
    return [runuser or "runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextlib.contextmanager
def postgres(dbname: str = "lake") -> Iterator[tuple[str | None, str]]:
    """Yields (libpq URI or None, reason). fsync off: a test cluster, thrown away afterwards."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        yield None, "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin): apt-get install postgresql"
        return
    bindir = Path(found[-1]).parent
    d = Path(tempfile.mkdtemp(prefix="orderhub-pg-"))
    port = free_port()
    data = d / "data"
    try:
        if os.geteuid() == 0:
            shutil.chown(d, "postgres", "postgres")
        run = dict(check=True, capture_output=True, timeout=120)
        subprocess.run(
            _as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                          "--no-sync", "--no-instructions"]), **run,
        )  # fmt: skip
        opts = f"-p {port} -k {d} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(d / "log"), "-w", "-o", opts, "start"]),
            **run,
        )
        subprocess.run([str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", dbname], **run)
    except (OSError, subprocess.SubprocessError) as exc:
        shutil.rmtree(d, ignore_errors=True)
        yield None, f"could not start PostgreSQL from {bindir}: {str(exc)[:300]}"
        return
    try:
        yield f"postgres@127.0.0.1:{port}/{dbname}", ""
    finally:
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(d, ignore_errors=True)


def psql(uri: str, sql: str, db: str | None = None) -> None:
    """Run `sql` as the superuser in database `db` (default: the one in `uri`, as `postgres` yields it)."""
    user, _, rest = uri.partition("@")
    hostport, _, dbname = rest.partition("/")
    host, _, port = hostport.partition(":")
    bindir = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"), key=lambda p: int(p.split("/")[4]))[-1]).parent
    cmd = [str(bindir / "psql"), "-h", host, "-p", port, "-U", user, "-d", db or dbname, "-v", "ON_ERROR_STOP=1"]
    subprocess.run([*cmd, "-c", sql], check=True, capture_output=True, timeout=60)


@contextlib.contextmanager
def s3() -> Iterator[tuple[dict[str, str] | None, str]]:
    """moto's S3 server with bucket BUCKET; yields (the environment OrderHub reads for S3, or None, reason)."""
    exe = Path(sys.executable).with_name("moto_server")
    try:
        import boto3
    except ImportError:
        yield None, "moto/boto3 not installed (pip install -e '.[dev]' installs moto[server])"
        return
    if not exe.exists():
        yield None, f"{exe} not found (pip install -e '.[dev]' installs moto[server])"
        return
    port = free_port()
    proc = subprocess.Popen(
        [str(exe), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        try:
            _wait_port(port, proc)
        except RuntimeError as exc:
            yield None, f"moto_server did not start: {exc}"
            return
        env = {
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "ORDERHUB_S3_REGION": "us-east-1",
            "ORDERHUB_S3_ENDPOINT": f"127.0.0.1:{port}",
            "ORDERHUB_S3_URL_STYLE": "path",
            "ORDERHUB_S3_USE_SSL": "false",
        }
        client = boto3.client(
            "s3", endpoint_url=f"http://127.0.0.1:{port}", aws_access_key_id="test", aws_secret_access_key="test",
            region_name="us-east-1",
        )  # fmt: skip
        client.create_bucket(Bucket=BUCKET)
        yield env, ""
    finally:
        proc.terminate()
        proc.wait(timeout=10)
