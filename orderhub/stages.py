"""Wall and CPU seconds per stage of a piece of work, for whoever asks (bench/landing_csv.py prints the landing's).

`with stage("records"):` costs nothing unless a caller is `recording()`: then each stage adds (name, wall s, CPU s)
to its list. CPU is the process's (DuckDB's worker threads included), so on a shared machine it still says
what the stage costs when the wall clock does not.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_RECORDING: ContextVar[list[tuple[str, float, float]] | None] = ContextVar("stages", default=None)


@contextmanager
def stage(name: str) -> Iterator[None]:
    out = _RECORDING.get()
    if out is None:
        yield
        return
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        out.append((name, time.perf_counter() - wall, time.process_time() - cpu))


@contextmanager
def recording() -> Iterator[list[tuple[str, float, float]]]:
    out: list[tuple[str, float, float]] = []
    token = _RECORDING.set(out)
    try:
        yield out
    finally:
        _RECORDING.reset(token)
