"""Buffer of HTTP attempts, written to ops.api_calls in the caller's transaction (or on failure)."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime

import duckdb
import pandas as pd

COLUMNS = [
    "call_id",
    "channel",
    "endpoint",
    "started_at",
    "duration_ms",
    "http_status",
    "attempt",
    "ok",
    "error",
    "run_id",
]


@dataclass
class CallRecord:
    channel: str
    endpoint: str
    started_at: datetime  # tz-aware UTC
    duration_ms: float
    http_status: int | None
    attempt: int
    ok: bool
    error: str | None = None
    run_id: str | None = None
    call_id: str = field(default_factory=lambda: uuid.uuid4().hex)


class CallLog:
    def __init__(self, run_id: str | None = None) -> None:
        self.run_id = run_id
        self.records: list[CallRecord] = []

    def add(self, record: CallRecord) -> None:
        record.run_id = record.run_id or self.run_id
        self.records.append(record)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(r) for r in self.records], columns=COLUMNS)

    def flush(self, con: duckdb.DuckDBPyConnection) -> int:
        """Insert buffered rows into ops.api_calls and clear the buffer. Returns rows written."""
        if not self.records:
            return 0
        calls = self.frame()  # noqa: F841 - referenced by name in the SQL below
        con.execute(f"insert into ops.api_calls select {', '.join(COLUMNS)} from calls")
        n = len(self.records)
        self.records.clear()
        return n
