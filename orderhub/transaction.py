"""All-or-nothing writes: a crash or exception inside leaves the warehouse as it was.

`transaction(con)` nests: an inner block joins the transaction already open on the connection, so a unit of work
can call helpers that have their own `with transaction(con)`.

On a DuckLake two writers can collide at COMMIT (a PostgreSQL catalog: `Transaction conflict …` when both
changed the same table; a SQLite catalog: `database is locked` when another process committed first). Such a
transaction is over and nothing of it was written; `retrying(con, work)` then runs the whole unit of work again,
re-reading what it depends on, with a growing, jittered pause and a warning per attempt, and gives up after a
bounded number of attempts (ORDERHUB_WAREHOUSE_RETRIES, default 8) with the last error. A context manager
cannot re-run its body, hence a function.
"""

from __future__ import annotations

import logging
import os
import random
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TypeVar

import duckdb

T = TypeVar("T")
LOG = logging.getLogger("orderhub.warehouse")
RETRIES_ENV = "ORDERHUB_WAREHOUSE_RETRIES"
_DEPTH: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # connection -> open transaction() blocks
_RETRYABLE = (
    "Transaction conflict",  # DuckLake optimistic concurrency (PostgreSQL catalog)
    "database is locked",  # SQLite catalog: another process holds or just took the write lock
    "Failed to commit DuckLake transaction",
    "could not serialize access",  # PostgreSQL serialization failure under the catalog
)


class RetriesExhausted(duckdb.TransactionException):
    """A unit of work kept colliding with other writers for every allowed attempt."""


def is_retryable(exc: BaseException) -> bool:
    """A commit that lost against another writer: nothing was written, running it again is safe."""
    return isinstance(exc, duckdb.Error) and any(s in str(exc) for s in _RETRYABLE)


def rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    """A failed COMMIT has already ended its transaction; some failed statements on a lake leave an aborted one
    open even in autocommit ('Current transaction is aborted'): roll back whatever is there, if anything."""
    with suppress(duckdb.Error):
        con.execute("rollback")


def in_transaction(con: duckdb.DuckDBPyConnection) -> bool:
    return _DEPTH.get(con, 0) > 0


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    depth = _DEPTH.get(con, 0)
    if depth:  # joins the enclosing transaction: it commits or rolls back the whole
        _DEPTH[con] = depth + 1
        try:
            yield con
        finally:
            _DEPTH[con] = depth
        return
    con.execute("begin transaction")
    _DEPTH[con] = 1
    try:
        yield con
    except BaseException:
        _DEPTH[con] = 0
        rollback_quietly(con)
        raise
    _DEPTH[con] = 0
    try:
        con.execute("commit")
    except BaseException:
        rollback_quietly(con)
        raise


def max_attempts() -> int:
    return max(1, int(os.environ.get(RETRIES_ENV) or 8))


def retrying(
    con: duckdb.DuckDBPyConnection,
    work: Callable[[duckdb.DuckDBPyConnection], T],
    *,
    what: str,
    attempts: int | None = None,
    log=None,
    pause: float = 0.1,
) -> T:
    """Run `work(con)` in one transaction; on a lost commit run all of it again (see the module docstring).
    Inside an enclosing transaction it simply joins it: the outermost unit of work is the one retried."""
    if in_transaction(con):
        return work(con)
    attempts = attempts or max_attempts()
    log = log or LOG
    for attempt in range(1, attempts + 1):
        try:
            with transaction(con):
                result = work(con)
        except Exception as exc:
            if not is_retryable(exc):
                raise
            if attempt == attempts:
                raise RetriesExhausted(
                    f"{what}: still colliding with other writers after {attempts} attempts ({RETRIES_ENV}); "
                    f"last error: {' '.join(str(exc).split())[:300]}"
                ) from exc
            wait = min(pause * 2 ** (attempt - 1), 5.0) * random.uniform(0.5, 1.5)
            log.warning(
                f"{what}: another writer committed first (attempt {attempt} of {attempts}); running it again "
                f"in {wait:.2f} s: {' '.join(str(exc).split())[:200]}"
            )
            time.sleep(wait)
            continue
        if attempt > 1:
            log.info(f"{what}: committed on attempt {attempt} of {attempts}")
        return result
    raise AssertionError("unreachable")
