"""Configuration snapshots: round trip, tamper detection, refusal of unsafe paths, no secrets inside."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
from pathlib import Path

import dagster as dg
import pytest

from orderhub import snapshot
from pipelines.flowconfig import describe_flow

SECRET = "s3cr3t-Value-7f1e"


@pytest.fixture()
def repo_copy(tmp_path) -> Path:
    """The in-scope files of the real repository, copied: tests never touch the shared checkout."""
    root = tmp_path / "repo"
    for rel in snapshot.scoped_files(snapshot.REPO):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(snapshot.REPO / rel, root / rel)
    return root


def _all_bytes(archive: Path) -> bytes:
    with tarfile.open(archive, "r:gz") as tar:
        return b"".join(tar.extractfile(m).read() for m in tar.getmembers())


def test_round_trip_restores_a_changed_mapping_byte_identical(orderhub_home, repo_copy, tmp_path):
    mapping = repo_copy / "orderhub/mappings/taobao_api.yaml"
    original = mapping.read_bytes()
    archive = snapshot.create(out_dir=tmp_path / "snaps", root=repo_copy, flow={"schedules": []})
    assert archive.name.startswith("orderhub-config-") and archive.name.endswith(".tar.gz")
    mapping.write_bytes(original.replace(b"taobao", b"broken", 1))
    after_sales = repo_copy / "orderhub/mappings/after_sales/pdd_api.yaml"
    after_sales_original = after_sales.read_bytes()
    after_sales.write_bytes(after_sales_original.replace(b'"11": withdrawn', b'"11": success'))
    (repo_copy / "dbt_like_sql/staging/stg_kpi_targets.sql").unlink()
    (repo_copy / "orderhub/mappings/new_channel.yaml").write_text("channel: x\n")

    dry = snapshot.restore(archive, root=repo_copy, dry_run=True)
    assert dry.changed == ["orderhub/mappings/after_sales/pdd_api.yaml", "orderhub/mappings/taobao_api.yaml"]
    assert dry.added == ["dbt_like_sql/staging/stg_kpi_targets.sql"]
    assert mapping.read_bytes() != original  # dry run writes nothing

    report = snapshot.restore(archive, root=repo_copy, prune=True)
    assert mapping.read_bytes() == original and after_sales.read_bytes() == after_sales_original
    assert (repo_copy / "dbt_like_sql/staging/stg_kpi_targets.sql").read_bytes() == (
        snapshot.REPO / "dbt_like_sql/staging/stg_kpi_targets.sql"
    ).read_bytes()
    assert report.pruned == ["orderhub/mappings/new_channel.yaml"]
    assert not (repo_copy / "orderhub/mappings/new_channel.yaml").exists()
    assert snapshot.restore(archive, root=repo_copy, dry_run=True).changed == []


def _rewrite(archive: Path, out: Path, edit) -> Path:
    with tarfile.open(archive, "r:gz") as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    edit(members)
    with tarfile.open(out, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out


def test_tampered_archive_is_refused_and_nothing_is_written(orderhub_home, repo_copy, tmp_path):
    archive = snapshot.create(out_dir=tmp_path / "snaps", root=repo_copy, flow={})
    key = "files/orderhub/mappings/pdd_api.yaml"
    tampered = _rewrite(archive, tmp_path / "t.tar.gz", lambda m: m.__setitem__(key, m[key] + b"\n# evil\n"))
    (repo_copy / "orderhub/mappings/pdd_api.yaml").write_text("changed locally\n")
    with pytest.raises(snapshot.SnapshotError, match="tampered"):
        snapshot.restore(tampered, root=repo_copy)
    assert (repo_copy / "orderhub/mappings/pdd_api.yaml").read_text() == "changed locally\n"

    extra = _rewrite(archive, tmp_path / "x.tar.gz", lambda m: m.__setitem__("files/evil.py", b"x"))
    with pytest.raises(snapshot.SnapshotError, match="differ from the manifest"):
        snapshot.restore(extra, root=repo_copy)


def test_paths_outside_the_repo_are_refused(orderhub_home, repo_copy, tmp_path):
    archive = snapshot.create(out_dir=tmp_path / "snaps", root=repo_copy, flow={})

    def escape(members):
        members["files/../../escaped.txt"] = b"x"
        manifest = json.loads(members["manifest.json"])
        manifest["files"]["files/../../escaped.txt"] = snapshot._sha256(b"x")
        members["manifest.json"] = json.dumps(manifest).encode()

    with pytest.raises(snapshot.SnapshotError, match="outside"):
        snapshot.restore(_rewrite(archive, tmp_path / "e.tar.gz", escape), root=repo_copy)
    assert not (tmp_path / "escaped.txt").exists()


def test_no_secret_from_the_environment_reaches_the_archive(orderhub_home, repo_copy, tmp_path, monkeypatch):
    from resources.erp import ErpBridge
    from resources.pii import PiiSettings

    monkeypatch.setenv("ORDERHUB_PII_SALT", SECRET)
    monkeypatch.setenv("ORDERHUB_ERP_URL", f"mysql+pymysql://erp:{SECRET}@db/erp")

    class TokenApi(dg.ConfigurableResource):
        base_url: str
        app_secret: str
        api_token: str = ""

    defs = dg.Definitions(
        resources={
            "pii": PiiSettings(salt=dg.EnvVar("ORDERHUB_PII_SALT")),
            "erp": ErpBridge(url=dg.EnvVar("ORDERHUB_ERP_URL")),
            "erp_literal": ErpBridge(url=f"mysql+pymysql://erp:{SECRET}@db/erp"),
            "api": TokenApi(base_url="https://api.example.com", app_secret=SECRET, api_token=SECRET),
        }
    )
    flow = describe_flow(defs)
    archive = snapshot.create(out_dir=tmp_path / "snaps", root=repo_copy, flow=flow)
    assert SECRET.encode() not in _all_bytes(archive)
    res = flow["resources"]
    assert res["pii"]["fields"]["salt"] == {"env": "ORDERHUB_PII_SALT"}
    assert res["erp"]["fields"]["url"] == {"env": "ORDERHUB_ERP_URL"}
    assert res["erp_literal"]["fields"]["url"] == "mysql+pymysql://erp:<redacted>@db/erp"
    assert res["api"]["fields"] == {
        "api_token": "<redacted>",
        "app_secret": "<redacted>",
        "base_url": "https://api.example.com",
    }


def test_real_flow_description_has_schedules_sensors_thresholds_and_no_salt(orderhub_home, monkeypatch):
    monkeypatch.setenv("ORDERHUB_PII_SALT", SECRET)
    flow = describe_flow()
    assert SECRET not in json.dumps(flow)
    assert flow["resources"]["pii"]["fields"]["salt"] == {"env": "ORDERHUB_PII_SALT"}
    assert {"ingest_live_schedule"} <= {s["name"] for s in flow["schedules"]}
    assert all(s["cron"] and s["default_status"] in {"RUNNING", "STOPPED"} for s in flow["schedules"])
    assert {"landing_files_sensor"} <= {s["name"] for s in flow["sensors"]}
    assert flow["config_defaults"]["resources.quality_settings.QualitySettings"]["api_min_success_rate"] == 0.992
    changed = json.loads(json.dumps(flow))
    changed["schedules"][0]["cron"] = "0 0 * * *"
    assert any("cron" in d for d in snapshot.flow_differences(flow, changed))
