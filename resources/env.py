"""How every resource reads its settings: the one place the environment meets a resource field.

A variable that is set becomes a `dg.EnvVar`: Dagster resolves it when a run starts (so a secret is never
stored in the definitions or shown in the UI), and `resources.bindings.resolved()` resolves it the same way
for code outside Dagster. An unset variable means the default: usually "" for "work it out at run time"
(e.g. the simulator's address), because defaults must not freeze the environment of the process that
happened to load the definitions.
"""

from __future__ import annotations

import os

import dagster as dg

DEFAULT_SIMULATOR_URL = "http://127.0.0.1:8765"


def env_or(name: str, default: str) -> str | dg.EnvVar:
    return dg.EnvVar(name) if os.environ.get(name) else default


def simulator_url() -> str:
    """Root of the channel simulator (the embedded default for every external system), read at call time."""
    return os.environ.get("ORDERHUB_SIMULATOR_URL", DEFAULT_SIMULATOR_URL).rstrip("/")
