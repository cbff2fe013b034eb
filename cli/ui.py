"""`orderhub ui` (`make ui`): the simulator in live mode plus `dagster dev` on the same ORDERHUB_HOME as the demo.

The simulator keeps producing orders (about a normal day's rate) so the running schedules and sensors
have live work; the UI shows the demo's history, partitions, checks and alerts.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from orderhub import settings


def start_simulator(paths: settings.Paths, args: UiArgs) -> tuple[subprocess.Popen, str]:
    cmd = [
        sys.executable,
        "-m",
        "simulator",
        "serve",
        "--port",
        str(args.sim_port),
        "--seed",
        str(args.seed),
        "--days",
        str(args.days),
        "--erp-db",
        str(paths.erp_db),
        "--live-rate",
        str(args.live_rate),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:  # the simulator prints exactly one SIMULATOR_URL=... line when it is up
        if line.startswith("SIMULATOR_URL="):
            return proc, line.strip().split("=", 1)[1]
    raise SystemExit("the simulator exited before it was ready")


@dataclass(frozen=True)
class UiArgs:
    port: int
    sim_port: int
    seed: int
    days: int
    live_rate: float


@click.command()
@click.option("--port", type=int, default=3000, show_default=True, help="Dagster UI port")
@click.option("--sim-port", type=int, default=0, show_default=True, help="simulator port (0 = any free port)")
@click.option("--seed", type=int, default=7, show_default=True, help="the simulated world's seed")
@click.option("--days", type=int, default=90, show_default=True, help="days of simulated history")
@click.option("--live-rate", type=float, default=0.015, show_default=True, help="new orders per second (~1,300/day)")
def ui(port: int, sim_port: int, seed: int, days: int, live_rate: float) -> None:
    """Start the simulator in live mode and the Dagster UI (dagster dev) on the same ORDERHUB_HOME as the demo."""
    args = UiArgs(port, sim_port, seed, days, live_rate)

    from cli.env import prepare, use_demo_salt

    paths = prepare()  # DAGSTER_HOME and the settings this home was created with ($ORDERHUB_HOME/orderhub.env)
    use_demo_salt()
    env = dict(os.environ)
    sim, url = start_simulator(paths, args)
    env["ORDERHUB_SIMULATOR_URL"] = url
    print(f"simulator (live) at {url}; Dagster UI at http://127.0.0.1:{args.port}  (Ctrl-C stops both)", flush=True)
    repo = Path(__file__).resolve().parents[1]
    # `dg dev` reads the project from pyproject.toml ([tool.dg]), like `dg check defs` does
    dg = Path(sys.executable).with_name("dg")
    # its own process group: stopping it reaches the webserver, daemon and code servers it started
    dagster = subprocess.Popen(
        [str(dg), "dev", "--host", "127.0.0.1", "--port", str(args.port)], env=env, cwd=repo, start_new_session=True
    )
    signal.signal(signal.SIGTERM, _interrupt)  # a service manager's stop must not orphan dg dev or the simulator
    try:
        dagster.wait()
    except KeyboardInterrupt:
        _stop_group(dagster)
    finally:
        sim.terminate()
        sim.wait(timeout=10)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _stop_group(proc: subprocess.Popen, grace_seconds: float = 20) -> None:
    """SIGINT to dg dev's whole group (what Ctrl-C does in a terminal), SIGKILL whatever outlives the grace."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGINT)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=grace_seconds)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
