"""OrderHub's channel simulator: a real HTTP server on loopback that speaks the marketplaces' API shapes.

In-process use (tests, demo)::

    import simulator
    sim = simulator.start(seed=7, days=90, now="2026-11-25T00:00:00Z", erp_db=path, port=0)
    sim.url, sim.world, sim.advance(3600), sim.stop()

The contract is simulator/API.md; `python -m simulator serve --help` for the command line.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["start", "Simulator"]


def start(
    seed: int = 7,
    days: int = 90,
    now: str | float | None = None,
    erp_db: str | Path | None = None,
    port: int = 0,
    golive_days_ago: int = 30,
    live_rate: float = 0.0,
    speed: float = 1.0,
    faults: dict | str | None = None,
    creds: dict | None = None,
    rate_limit_per_s: float = 200.0,
    strict: bool = True,
):
    """Build the world and serve it on 127.0.0.1:port (0 = any free port) from a daemon thread."""
    from simulator.app import Simulator
    from simulator.faults import parse_flag
    from simulator.timeutil import parse_iso

    if isinstance(now, str):
        now = parse_iso(now)
    if isinstance(faults, str):
        faults = parse_flag(faults)
    sim = Simulator(
        seed=seed,
        days=days,
        now=now,
        erp_db=erp_db,
        golive_days_ago=golive_days_ago,
        live_rate=live_rate,
        speed=speed,
        faults=faults,
        creds=creds,
        rate_limit_per_s=rate_limit_per_s,
        strict=strict,
    )
    return sim.serve(port=port)


def __getattr__(name: str):
    if name == "Simulator":
        from simulator.app import Simulator

        return Simulator
    raise AttributeError(name)
