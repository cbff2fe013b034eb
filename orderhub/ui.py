"""`make ui`: the simulator in live mode plus `dagster dev` on the same ORDERHUB_HOME as the demo.

The simulator keeps producing orders (about a normal day's rate) so the running schedules and sensors
have live work; the UI shows the demo's history, partitions, checks and alerts.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

from orderhub import settings
from orderhub.instance import ensure_instance_config


def start_simulator(paths: settings.Paths, args: argparse.Namespace) -> tuple[subprocess.Popen, str]:
    cmd = [sys.executable, "-m", "simulator", "serve", "--port", str(args.sim_port), "--seed", str(args.seed),
           "--days", str(args.days), "--erp-db", str(paths.erp_db), "--live-rate", str(args.live_rate)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:  # the simulator prints exactly one SIMULATOR_URL=... line when it is up
        if line.startswith("SIMULATOR_URL="):
            return proc, line.strip().split("=", 1)[1]
    raise SystemExit("the simulator exited before it was ready")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--port", type=int, default=3000, help="Dagster UI port")
    ap.add_argument("--sim-port", type=int, default=0, help="simulator port (0 = any free port)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--live-rate", type=float, default=0.015, help="new orders per second (~1,300/day)")
    args = ap.parse_args(argv)

    paths = settings.paths().ensure()
    env = {**os.environ, "DAGSTER_HOME": os.environ.get("DAGSTER_HOME", str(paths.dagster_home))}
    env.setdefault("ORDERHUB_PII_SALT", "demo-salt-change-me")
    ensure_instance_config(Path(env["DAGSTER_HOME"]))
    sim, url = start_simulator(paths, args)
    env["ORDERHUB_SIMULATOR_URL"] = url
    print(f"simulator (live) at {url}; Dagster UI at http://127.0.0.1:{args.port}  (Ctrl-C stops both)", flush=True)
    repo = Path(__file__).resolve().parents[1]
    dagster = subprocess.Popen([sys.executable, "-m", "dagster", "dev", "-w", str(repo / "workspace.yaml"),
                                "-h", "127.0.0.1", "-p", str(args.port)], env=env, cwd=repo)
    try:
        dagster.wait()
    except KeyboardInterrupt:
        dagster.send_signal(signal.SIGINT)
        dagster.wait(timeout=30)
    finally:
        sim.terminate()
        sim.wait(timeout=10)


if __name__ == "__main__":
    main()
