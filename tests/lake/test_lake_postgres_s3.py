"""The production layout: the catalog in PostgreSQL, the data on S3-compatible storage (moto on loopback), shared by
two "machines" (separate working directories, homes and environments) that both write and read; the protected
store sits beside it (its own catalog schema and data prefix) and the analysts' view of either machine is clean.
PostgreSQL comes from Debian's binaries, S3 from moto's server: skipped with the reason when either cannot start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lake_services import BUCKET, postgres, psql, s3

WRITER = Path(__file__).with_name("lake_writer.py")
REPO = Path(__file__).resolve().parents[2]
ORDERHUB = Path(sys.executable).with_name("orderhub")


@pytest.fixture(scope="module")
def pg_s3():
    with postgres() as (uri, why):
        if uri is None:
            pytest.skip(why)
        with s3() as (env, why):
            if env is None:
                pytest.skip(why)
            yield uri, env


def machine(tmp_path: Path, name: str, uri: str, s3_env: dict[str, str]) -> dict:
    home = tmp_path / name
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ORDERHUB_", "AWS_"))}
    env |= s3_env | {
        "PYTHONPATH": str(REPO),
        "ORDERHUB_HOME": str(home / ".orderhub"),
        "ORDERHUB_WAREHOUSE": f"ducklake:{uri.replace('postgres@', 'postgres://postgres@', 1)}?data=s3://{BUCKET}/wh",
        "ORDERHUB_PII_SALT": "shared-salt",
    }
    return {"env": env, "cwd": home}


def run(m: dict, *cmd: str) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=240, **m)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def orders(m: dict) -> int:
    return json.loads(run(m, str(ORDERHUB), "sql", "--json", "select count(*) as n from hub.orders"))[0]["n"]


def test_two_machines_share_one_postgres_catalog_and_s3_data(pg_s3, tmp_path):
    uri, s3_env = pg_s3
    a, b = machine(tmp_path, "a", uri, s3_env), machine(tmp_path, "b", uri, s3_env)
    run(a, sys.executable, str(WRITER), "cycles", "0", "20", "1")
    assert orders(b) == 20  # b reads what a wrote
    run(b, sys.executable, str(WRITER), "cycles", "500", "20", "1")
    assert orders(a) == 40  # and a what b wrote
    info = run(a, str(ORDERHUB), "warehouse", "info")
    assert "DuckLake" in info and "secret" not in info
    scan = run(b, str(ORDERHUB), "privacy", "scan")
    assert "clean" in scan and "known values: 0 " not in scan and "not compared" not in scan, scan
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=f"http://{s3_env['ORDERHUB_S3_ENDPOINT']}",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert any(k.startswith("wh/") for k in keys)  # the lake's Parquet files are on S3


ANALYST_GRANTS = """
create role analyst login;
grant connect on database {db} to analyst;
grant usage on schema public to analyst;
grant select on all tables in schema public to analyst;
"""


def test_an_analyst_role_with_select_on_the_catalog_reads_but_cannot_write_or_open_the_protected_store(
    pg_s3, tmp_path, monkeypatch
):
    """deploy/README.md's catalog roles: analysts get SELECT on the lake's catalog schema (`public`) and nothing on
    the protected store's schema. (moto does not enforce S3 key policies, so the bucket side is not tested here.)"""
    import duckdb

    sys.path.insert(0, str(REPO / "tests" / "ingest"))
    from ingest_kit import land_fixture

    from orderhub import analysts, lake, warehouse
    from orderhub.privacy import store

    uri, s3_env = pg_s3
    host, db = uri.split("@", 1)[1].rsplit("/", 1)[0], "roles"
    psql(uri, f"create database {db}")
    for k, v in s3_env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("ORDERHUB_HOME", str(tmp_path / ".orderhub"))
    monkeypatch.setenv("ORDERHUB_PII_SALT", "test-salt")
    data = f"s3://{BUCKET}/roles"
    monkeypatch.setenv("ORDERHUB_WAREHOUSE", f"ducklake:postgres://postgres@{host}/{db}?data={data}")
    con = warehouse.connect()  # the pipeline's role: creates the lake and, landing, the protected store
    land_fixture(con, "taobao_api")
    (raw,) = con.execute("select count(*) from raw.channel_orders").fetchone()
    con.close()
    psql(uri, ANALYST_GRANTS.format(db=db), db=db)

    as_analyst = f"ducklake:postgres://analyst@{host}/{db}"
    monkeypatch.setenv("ORDERHUB_WAREHOUSE", f"{as_analyst}?data={data}")
    view = analysts.connect()  # what `orderhub sql` opens
    assert raw > 0 and view.execute("select count(*) from raw.channel_orders").fetchone() == (raw,)
    with pytest.raises(duckdb.Error, match="permission denied"):
        store.attach(view, read_only=True, where=f"{as_analyst}?schema=orderhub_personal")
    view.close()
    with pytest.raises(duckdb.Error, match="permission denied"):  # even attached as a writer, the role cannot write
        w = lake.connect(f"{as_analyst}?data={data}")
        w.execute("insert into ops.cursors (cursor_name, value, updated_at) values ('x', 'y', now())")
    monkeypatch.setenv("ORDERHUB_WAREHOUSE", f"ducklake:postgres://postgres@{host}/{db}?data={data}")
    con = warehouse.connect(read_only=True)
    assert con.execute("select count(*) from ops.cursors where cursor_name = 'x'").fetchone() == (0,)
    con.close()
