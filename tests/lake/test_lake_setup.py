"""ORDERHUB_WAREHOUSE: URL forms, the offline extensions, a lake's schema equals the file's, readers never create a
lake, the Dagster pool follows the backend, and a file from DuckDB 2.x fails with the way out."""

from __future__ import annotations

import struct

import duckdb
import pytest

from cli.instance import ensure_instance_config, pool_limit
from orderhub import extensions, lake, warehouse
from orderhub.convert import readable
from orderhub.ddl import tables


def test_urls_parse_to_catalog_data_path_and_options(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = lake.parse("ducklake:sqlite:///abs/catalog.sqlite?data=/abs/data")
    assert (url.catalog_kind, url.catalog, url.data_path) == ("sqlite", "/abs/catalog.sqlite", "/abs/data/")
    rel = lake.parse("ducklake:sqlite://rel/cat.sqlite?data=files")
    assert rel.catalog == str(tmp_path / "rel/cat.sqlite") and rel.data_path == f"{tmp_path}/files/"
    pg = lake.parse("ducklake:postgres://orderhub:secret@db.internal:5432/lake?data=s3://bucket/wh&schema=prod")
    assert pg.catalog == "postgresql://orderhub:secret@db.internal:5432/lake"
    assert (pg.data_path, pg.schema) == ("s3://bucket/wh/", "prod")
    assert "secret" not in pg.display  # messages never show a password someone put in the URL
    for bad in ("ducklake:mysql://x/y", "ducklake:sqlite:///c.sqlite?data=/d&bogus=1", "ducklake:postgres://h:1/"):
        with pytest.raises(ValueError):
            lake.parse(bad)


def test_extensions_load_from_the_installed_packages_and_never_download(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.duckdb/extensions to fall back on
    con = duckdb.connect(config=extensions.offline_config())
    extensions.load(con, "ducklake", "sqlite", "postgres", "httpfs")
    paths = dict(
        con.execute(
            "select extension_name, install_path from duckdb_extensions() where loaded and install_path <> ''"
        ).fetchall()
    )
    for name in ("ducklake", "sqlite_scanner", "postgres_scanner", "httpfs"):
        assert paths[name].startswith(str(extensions.directory())), paths
    assert con.execute("select current_setting('autoinstall_known_extensions')").fetchone()[0] is False
    with pytest.raises(extensions.ExtensionMissing, match="pip install duckdb-extension-spatial==1.5.5"):
        extensions.load(con, "spatial")  # known to DuckDB, not installed: refused at once, nothing downloaded


def test_a_lake_has_the_same_tables_and_columns_as_a_file(tmp_path):
    file_con = warehouse.connect(tmp_path / "w.duckdb")
    lake_con = warehouse.connect(f"ducklake:sqlite://{tmp_path}/lake.sqlite?data={tmp_path}/data")
    sql = (
        "select table_schema || '.' || table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = current_database() and table_schema <> 'main' order by all"
    )
    assert file_con.execute(sql).fetchall() == lake_con.execute(sql).fetchall()
    assert {r[0] for r in lake_con.execute(sql).fetchall()} == set(tables())
    # no constraint a lake would refuse survives in the DDL: keys are declared as comments and checked
    assert (
        file_con.execute("select count(*) from duckdb_constraints() where constraint_type <> 'NOT NULL'").fetchone()[0]
        == 0
    )
    assert lake_con.execute("select count(*) from ops.write_locks").fetchone()[0] == len(tables())
    file_con.close()
    lake_con.close()


def test_a_reader_never_creates_a_lake(tmp_path):
    with pytest.raises(lake.LakeNotFound, match="a writer creates it"):
        warehouse.connect(f"ducklake:sqlite://{tmp_path}/none.sqlite", read_only=True)
    assert not (tmp_path / "none.sqlite").exists()
    lake.ensure_wal(str(tmp_path / "new.sqlite"))  # a writer's first step: the file exists, the lake not yet
    with pytest.raises(lake.LakeNotFound, match="a writer is creating it"):
        warehouse.connect(f"ducklake:sqlite://{tmp_path}/new.sqlite", read_only=True)


def test_a_new_lake_without_a_data_folder_says_how_to_give_one(tmp_path):
    with pytest.raises(duckdb.InvalidInputException, match=r"add \?data=DIR"):
        warehouse.connect(f"ducklake:sqlite://{tmp_path}/new.sqlite")


def test_reconnecting_a_writer_adds_no_snapshot(tmp_path):
    url = f"ducklake:sqlite://{tmp_path}/l.sqlite?data={tmp_path}/d"
    warehouse.connect(url).close()
    con = warehouse.connect(url)
    before = con.execute("select count(*) from lake.snapshots()").fetchone()[0]
    con.close()
    con = warehouse.connect(url)
    assert con.execute("select count(*) from lake.snapshots()").fetchone()[0] == before
    con.close()


def test_the_run_pool_limit_follows_the_backend_and_an_edited_config_is_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("ORDERHUB_WAREHOUSE_POOL_LIMIT", raising=False)
    monkeypatch.setenv("ORDERHUB_WAREHOUSE", str(tmp_path / "w.duckdb"))
    assert pool_limit() == ("duckdb", 1)
    cfg = ensure_instance_config(tmp_path / "dh")
    assert "default_limit: 1" in cfg.read_text()
    monkeypatch.setenv("ORDERHUB_WAREHOUSE", f"ducklake:sqlite://{tmp_path}/l.sqlite?data={tmp_path}/d")
    assert "default_limit: 2" in ensure_instance_config(tmp_path / "dh").read_text()  # ours: rewritten
    monkeypatch.setenv("ORDERHUB_WAREHOUSE", "ducklake:postgres://u@h:5432/db?data=s3://b/p")
    assert pool_limit() == ("postgres", 4)
    cfg.write_text(cfg.read_text() + "# tuned by ops\n")
    ensure_instance_config(tmp_path / "dh")
    assert cfg.read_text().endswith("# tuned by ops\n")  # an operator's file is left alone


def test_a_file_from_a_newer_duckdb_fails_with_the_command_that_converts_it(tmp_path):
    path = tmp_path / "w.duckdb"
    warehouse.connect(path).close()
    _stamp_storage_version(path, 999)  # what DuckDB 2.0.1 writes in the main header
    with pytest.raises(warehouse.WarehouseTooNew, match=f"orderhub warehouse convert {path}"):
        warehouse.connect(path)
    assert not readable(path)


def _stamp_storage_version(path, version: int) -> None:
    """Main header: checksum (8 bytes) over the rest of the 4 KiB block, 'DUCK', the storage version (8 bytes)."""
    with open(path, "r+b") as f:
        block = bytearray(f.read(4096))
        block[12:20] = struct.pack("<Q", version)
        checksum = 5381
        for (word,) in struct.iter_unpack("<Q", bytes(block[8:])):
            checksum ^= (word * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        block[:8] = struct.pack("<Q", checksum)
        f.seek(0)
        f.write(block)
