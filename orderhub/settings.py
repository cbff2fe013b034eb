"""Where OrderHub keeps its state. Everything the project writes lives under ORDERHUB_HOME."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

BUSINESS_TZ = "Asia/Shanghai"  # partitions and "order day" follow the seller's business day
CHANNELS = ("taobao", "douyin", "pdd", "jd")


class SettingError(ValueError):
    """An ORDERHUB_* setting the process cannot use; its message names the setting (the CLI prints it, no trace)."""


@dataclass(frozen=True)
class Paths:
    home: Path

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def warehouse_readonly(self) -> Path:
        """Atomically published copy for analysts (DuckDB allows one writer or many readers)."""
        return self.home / "warehouse_ro.duckdb"

    @property
    def landing(self) -> Path:
        return self.home / "landing"

    def landing_for(self, channel: str) -> Path:
        return self.landing / channel

    @property
    def archive(self) -> Path:
        return self.home / "archive"

    @property
    def exports(self) -> Path:
        return self.home / "exports"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster_home"

    @property
    def erp_db(self) -> Path:
        return self.home / "erp" / "legacy_erp.sqlite"

    def ensure(self) -> Paths:
        for p in (self.home, self.landing, self.archive, self.exports, self.dagster_home, self.erp_db.parent):
            p.mkdir(parents=True, exist_ok=True)
        for ch in CHANNELS:
            self.landing_for(ch).mkdir(parents=True, exist_ok=True)
        return self


def start_date() -> str:
    """The first business day OrderHub keeps (ISO date): where the hub's daily partitions begin."""
    return os.environ.get("ORDERHUB_START_DATE", "2026-06-01")


def warehouse_target() -> str:
    """Where the warehouse is: ORDERHUB_WAREHOUSE (`duckdb:///PATH`, `ducklake:sqlite:///CATALOG?data=DIR`,
    `ducklake:postgres://USER@HOST:PORT/DB?data=s3://BUCKET/PREFIX`; see orderhub/warehouse.py), else the DuckDB
    file $ORDERHUB_HOME/warehouse.duckdb."""
    return os.environ.get("ORDERHUB_WAREHOUSE") or str(paths().warehouse)


def home() -> Path:
    return Path(os.environ.get("ORDERHUB_HOME", ".orderhub")).resolve()


def paths() -> Paths:
    return Paths(home())
