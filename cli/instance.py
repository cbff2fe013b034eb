"""The Dagster instance OrderHub runs on: `$ORDERHUB_HOME/dagster_home/dagster.yaml`.

DuckDB allows a single writer process, so every warehouse-writing asset sits in one pool and the pool is
limited to one *run* at a time (granularity 'run'): runs queue instead of failing on the file lock
(dagster-io/dagster #18746, #19068).
"""

from __future__ import annotations

from pathlib import Path

DAGSTER_YAML = """\
# Written by OrderHub (orderhub/instance.py). Safe to edit; OrderHub only writes it when missing.
concurrency:
  pools:
    granularity: run
    default_limit: 1
  runs:
    max_concurrent_runs: 4
run_monitoring:
  enabled: true
telemetry:
  enabled: false
"""


def ensure_instance_config(dagster_home: Path) -> Path:
    dagster_home.mkdir(parents=True, exist_ok=True)
    cfg = dagster_home / "dagster.yaml"
    if not cfg.exists():
        cfg.write_text(DAGSTER_YAML, encoding="utf-8")
    return cfg
