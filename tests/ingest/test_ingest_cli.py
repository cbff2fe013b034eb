"""`orderhub mapping check` and `orderhub quarantine list|replay` as a seller runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from click.testing import CliRunner
from test_ingest_landing import ROWS, _csv
from test_ingest_mapping_format import BASE

from cli.main import main

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_check_reports_fields_reasons_unmapped_values_and_accounting(orderhub_home, tmp_path):
    rows = [list(r) for r in ROWS]
    bad = list(ROWS[0])
    bad[0], bad[3], bad[8] = '="2612345678909990"', "退款中", "2026-11-1x 00:00:00"  # unknown status, bad time
    neg = list(ROWS[1])
    neg[0], neg[2] = '="2612345678909991"', "-5.00"
    path = tmp_path / "report.csv"
    path.write_bytes(_csv([*rows, bad, neg, rows[0]]))
    code, out = _run("mapping", "check", "taobao_export", str(path))
    assert code == 1, out
    assert "received 5 = stored 2 + deduplicated 1 + quarantined 2" in out
    assert "bad_timestamp" in out and "negative_amount" in out and "'2026-11-1x 00:00:00'" in out
    code, out = _run("mapping", "check", "taobao_export", str(path), "--json")
    report = json.loads(out)
    created = next(f for f in report["fields"] if f["field"] == "created_at")
    assert (created["present"], created["parsed"], created["examples"]) == (5, 4, ["2026-11-1x 00:00:00"])
    skus = report["unmapped_skus"]
    assert skus["distinct"] == 3 and "no warehouse" in skus["checked_against"]
    # the status text is listed even though the record failed first on its time
    path.write_bytes(_csv([*rows, [*ROWS[0][:3], "退款中", *ROWS[0][4:]]]))
    report = json.loads(_run("mapping", "check", "taobao_export", str(path), "--json")[1])
    assert report["unmapped_statuses"] == [["退款中", 1]]
    path.write_bytes(_csv(rows))
    assert _run("mapping", "check", "taobao_export", str(path))[0] == 0


def test_check_exits_2_on_an_invalid_mapping_and_1_on_an_unreadable_file(orderhub_home, tmp_path):
    broken = tmp_path / "shop_report.yaml"
    doc = {**BASE, "lines": {**BASE["lines"], "channel_sku": {"compute": "no_such_column"}}}
    broken.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    sample = tmp_path / "x.csv"
    sample.write_bytes(_csv(ROWS))
    code, out = _run("mapping", "check", str(broken), str(sample))
    assert code == 2 and "is invalid" in out and "does not compile" in out
    assert _run("mapping", "check", "no_such_mapping", str(sample))[0] == 2
    sample.write_bytes(b"\x00\x01binary")
    code, out = _run("mapping", "check", "taobao_export", str(sample))
    assert code == 1 and "rejected whole (undecodable)" in out


def test_a_fixed_status_map_lands_quarantined_rows_on_replay(orderhub_home, tmp_path, monkeypatch):
    """The seller's loop: land, list, dry-run, fix the mapping, replay (in-process), fix the SKU aliases, replay
    again from a fresh shell (the installed `orderhub` command in a new process)."""
    from orderhub import settings, warehouse
    from orderhub.ingest.pull import PullReport, land_file

    own = tmp_path / "own"
    own.mkdir()
    env = {
        "ORDERHUB_HOME": str(orderhub_home.home),
        "DAGSTER_HOME": str(orderhub_home.home / "dagster_home"),
        "ORDERHUB_MAPPINGS_DIR": str(own),
        "ORDERHUB_PII_SALT": "test-salt",
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    drop = orderhub_home.landing_for("taobao") / "report.csv"
    drop.write_bytes(_csv([list(ROWS[0]), [*ROWS[1][:3], "退款中", *ROWS[1][4:]]]))
    con = warehouse.connect(settings.warehouse_target())
    report = PullReport()
    land_file(con, drop, archive=orderhub_home.archive, report=report)
    con.close()
    assert report.batches[0].quarantined == 1

    code, out = _run("quarantine", "list")
    assert code == 0 and "unknown_status" in out and "'退款中' is not in the mapping" in out
    code, out = _run("quarantine", "replay", "--dry-run")
    assert "1 quarantined records would be re-standardized" in out and "stay: unknown_status" in out
    doc = yaml.safe_load((REPO / "orderhub/mappings/taobao_export.yaml").read_text(encoding="utf-8"))
    doc["status"]["map"]["退款中"] = "paid"  # the seller's decision
    (own / "taobao_export.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(main, ["quarantine", "replay", "--reason", "unknown_status"])
    # stored, but no SKU map knows these codes yet: the hub's blocking check stops the rebuild, and says why
    assert result.exit_code == 1 and "hub/order_lines: sku_mapped" in result.output, result.output
    assert "channel_volume_normal" not in result.output and "sku_aliases.csv" in result.output
    assert "1 re-standardized: 1 stored" in result.output
    aliases = "channel,channel_sku,sku_id\n" + "".join(f"taobao,SKU-0000{i},SKU-0000{i}\n" for i in (1, 2, 3))
    (own / "sku_aliases.csv").write_text(aliases, encoding="utf-8")
    replayed = subprocess.run(
        [str(Path(sys.executable).with_name("orderhub")), "quarantine", "replay"],  # as a fresh shell runs it
        env={**os.environ, **env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        cwd=orderhub_home.home,
        timeout=300,
    )
    assert replayed.returncode == 0, replayed.stderr[-3000:]
    # nothing left to re-standardize; the alias file is applied and the day with unmapped lines rebuilt
    assert "0 re-standardized" in replayed.stdout
    assert "rebuilding the hub for 2026-11-11..2026-11-11" in replayed.stdout
    code, out = _run("quarantine", "list")
    assert "nothing in quarantine" in out and "received 2 = stored 2 + deduplicated 0 + quarantined 0" in out
    con = warehouse.connect(settings.warehouse_target(), read_only=True)
    lines = con.execute("select count(*), count(sku_id) from hub.order_lines").fetchone()
    con.close()
    assert lines == (3, 3)
