"""The Dagster instance OrderHub runs on: `$ORDERHUB_HOME/dagster_home/dagster.yaml`.

Every warehouse-writing step is in one pool (resources/warehouse.py). How many runs may hold it at once depends
on the warehouse backend (ORDERHUB_WAREHOUSE), chosen when OrderHub writes the file:
- a DuckDB file: 1 — it has a single writer process; runs queue instead of failing on the file lock
  (dagster-io/dagster #18746, #19068);
- a DuckLake with a SQLite catalog: 2 — writers run side by side but commit one at a time; a commit that loses is
  re-run (orderhub.transaction.retrying), so a second run overlaps its computing with the first one's;
- a DuckLake with a PostgreSQL catalog: 4 — optimistic concurrency: writers of different tables commit together.
ORDERHUB_WAREHOUSE_POOL_LIMIT overrides the number. OrderHub writes the file when it is missing, and rewrites it
when the backend changed and the file is still one it wrote itself; a file an operator edited is left alone.
"""

from __future__ import annotations

import os
from pathlib import Path

from orderhub import lake, settings

POOL_LIMITS = {"duckdb": 1, "sqlite": 2, "postgres": 4}
TEMPLATE = """\
# Written by OrderHub (cli/instance.py) for a {backend} warehouse. Safe to edit; OrderHub then leaves it alone.
concurrency:
  pools:
    granularity: run
    default_limit: {limit}
  runs:
    max_concurrent_runs: 4
run_monitoring:
  enabled: true
telemetry:
  enabled: false
"""
# what OrderHub wrote before the limit depended on the backend: still "ours", so it may be rewritten
_LEGACY = (
    "# Written by OrderHub (orderhub/instance.py). Safe to edit; OrderHub only writes it when missing.\n"
    + TEMPLATE.split("\n", 1)[1].replace("{limit}", "1")
)


def pool_limit(target: str | None = None) -> tuple[str, int]:
    """(backend, how many runs may write the warehouse at once)."""
    target = target or settings.warehouse_target()
    backend = lake.parse(target).catalog_kind if lake.is_lake(target) else "duckdb"
    limit = int(os.environ.get("ORDERHUB_WAREHOUSE_POOL_LIMIT") or POOL_LIMITS[backend])
    return backend, limit


def render(backend: str, limit: int) -> str:
    names = {
        "duckdb": "DuckDB file",
        "sqlite": "DuckLake (SQLite catalog)",
        "postgres": "DuckLake (PostgreSQL catalog)",
    }
    return TEMPLATE.format(backend=names[backend], limit=limit)


def _ours(text: str) -> bool:
    generated = {render(b, n) for b in POOL_LIMITS for n in range(1, 65)}
    return text in generated or text == _LEGACY


def ensure_instance_config(dagster_home: Path) -> Path:
    dagster_home.mkdir(parents=True, exist_ok=True)
    cfg = dagster_home / "dagster.yaml"
    wanted = render(*pool_limit())
    if not cfg.exists() or (cfg.read_text(encoding="utf-8") != wanted and _ours(cfg.read_text(encoding="utf-8"))):
        cfg.write_text(wanted, encoding="utf-8")
    return cfg
