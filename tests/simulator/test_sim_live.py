"""Live mode (clock follows wall time × speed, orders keep coming, ERP keeps inserting) and the CLI."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time

import requests

import simulator


def _wait_for(cond, limit_s: float = 20.0) -> bool:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.2)
    return False


def test_live_mode_keeps_producing(tmp_path):
    sim = simulator.start(
        seed=2, days=3, now="2026-11-25T00:00:00Z", erp_db=tmp_path / "erp.sqlite", live_rate=20, speed=600
    )
    try:
        t0 = requests.get(f"{sim.url}/admin/clock").json()
        n0 = requests.get(f"{sim.url}/admin/truth/orders", params={"channel": "taobao"}).json()["count"]
        with sqlite3.connect(sim.erp.path) as con:
            e0 = con.execute("select count(*) from so_header").fetchone()[0]

        def grown() -> bool:
            n = requests.get(f"{sim.url}/admin/truth/orders", params={"channel": "taobao"}).json()["count"]
            with sqlite3.connect(sim.erp.path) as con:
                e = con.execute("select count(*) from so_header").fetchone()[0]
            return n > n0 + 5 and e > e0

        assert _wait_for(grown)
        t1 = requests.get(f"{sim.url}/admin/clock").json()
        assert t1["live"] is True and t1["epoch"] > t0["epoch"]
        adv = requests.post(f"{sim.url}/admin/clock", json={"advance_seconds": 3600}).json()
        assert adv["epoch"] >= t1["epoch"] + 3600
    finally:
        sim.stop()


def test_cli_prints_url(tmp_path):
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulator",
            "serve",
            "--port",
            "0",
            "--seed",
            "3",
            "--days",
            "3",
            "--now",
            "2026-11-25T00:00:00Z",
            "--erp-db",
            str(tmp_path / "e.sqlite"),
            "--faults",
            "schema_drift=true",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("SIMULATOR_URL=http://127.0.0.1:")
        url = line.split("=", 1)[1]
        assert requests.get(f"{url}/admin/health").json()["ok"] is True
        assert requests.get(f"{url}/admin/faults").json()["schema_drift"] is True
    finally:
        proc.terminate()
        proc.wait(timeout=10)
