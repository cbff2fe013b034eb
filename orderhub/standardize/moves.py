"""Moving raw records between stored and quarantined after their landing, with the accounting kept exact.

A landed batch's accounting never changes (ops.ingest_batches). When today's mapping decides otherwise about
a record — a replay stores a quarantined one, a rebuild finds a stored one that no longer standardizes — the
record's flag in raw.channel_orders changes, its hub.quarantine row is resolved or written, and the move is
counted in ops.quarantine_moves; so at any time:
    stored now      = sum(batches.stored)      + sum(moves.to_stored) - sum(moves.to_quarantine)
    quarantined now = sum(batches.quarantined) - sum(moves.to_stored) + sum(moves.to_quarantine)
and nothing is counted twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import duckdb

QUARANTINE_COLUMNS = (
    "quarantine_id, entity, source, channel, batch_id, content_hash, reason, message, record, quarantined_at"
)


@dataclass
class Move:
    move_id: str
    kind: str
    attempted: int = 0
    to_stored: int = 0
    to_quarantine: int = 0
    still_quarantined: int = 0
    order_dates: list[date] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)  # still (or newly) quarantined, by reason

    def as_metadata(self) -> dict:
        keys = ("move_id", "kind", "attempted", "to_stored", "to_quarantine", "still_quarantined")
        return {k: getattr(self, k) for k in keys} | {"reasons": self.reasons}


def new_move(kind: str) -> Move:
    return Move(f"{kind}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}", kind)


def apply_outcome(con: duckdb.DuckDBPyConnection, std: str, move: Move, now: datetime) -> None:
    """Write what re-standardizing gave, inside the caller's transaction. `std` is a temp table of facts
    columns + reason, message and old_reason (null = the record was stored): raw flags follow the new reason,
    a stored record gets its fact, a changed reason resolves the record's open quarantine row and opens one for
    the new reason."""
    changed = f"(select * from {std} where reason is distinct from old_reason)"
    con.execute(f"""update raw.channel_orders r set quarantine_reason = s.reason, channel_order_id = s.channel_order_id,
                           source_updated_at = s.source_updated_at, order_date = s.order_date
                    from {changed} s where r.content_hash = s.content_hash""")
    con.execute(
        f"""update hub.quarantine set resolved_at = ?, resolved_by = ?
            where entity = 'order' and resolved_at is null
              and content_hash in (select content_hash::varchar from {changed} s where s.old_reason is not null)""",
        [now, move.move_id],
    )
    # a record back in quarantine for a reason it had before reopens that row (same id)
    con.execute(
        f"""merge into hub.quarantine q
            using (select sha256('order|' || s.content_hash || '|' || s.reason) as quarantine_id, r.source, r.channel,
                          r.batch_id, s.content_hash::varchar as content_hash, s.reason, s.message, r.record
                   from {changed} s join raw.channel_orders r using (content_hash) where s.reason is not null) n
            on q.quarantine_id = n.quarantine_id
            when matched then update set message = n.message, quarantined_at = ?, resolved_at = null, resolved_by = null
            when not matched then insert ({QUARANTINE_COLUMNS})
                values (n.quarantine_id, 'order', n.source, n.channel, n.batch_id, n.content_hash, n.reason,
                        n.message, n.record, ?)""",
        [now, now],
    )
    counts = con.execute(f"""select count(*), count(*) filter (where reason is null and old_reason is not null),
            count(*) filter (where reason is not null and old_reason is null),
            count(*) filter (where reason is not null and old_reason is not null) from {std}""").fetchone()
    move.attempted, move.to_stored, move.to_quarantine, move.still_quarantined = counts
    move.reasons = dict(
        con.execute(f"select reason, count(*) from {std} where reason is not null group by 1 order by 1").fetchall()
    )
    move.order_dates = [
        r[0]
        for r in con.execute(
            f"select distinct order_date from {std} where order_date is not null order by 1"
        ).fetchall()
    ]


def record_move(
    con: duckdb.DuckDBPyConnection,
    move: Move,
    started: datetime,
    mapping: str | None = None,
    reason: str | None = None,
    run_id: str | None = None,
) -> None:
    con.execute(
        "insert into ops.quarantine_moves values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            move.move_id,
            move.kind,
            mapping,
            reason,
            move.attempted,
            move.to_stored,
            move.to_quarantine,
            move.still_quarantined,
            started,
            datetime.now(UTC),
            run_id,
        ],
    )


def ledger(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The accounting over all batches and moves, with what raw holds now (they must agree)."""
    b = con.execute(
        "select coalesce(sum(received), 0), coalesce(sum(stored), 0), coalesce(sum(deduplicated), 0),"
        " coalesce(sum(quarantined), 0) from ops.ingest_batches"
    ).fetchone()
    m = con.execute(
        "select coalesce(sum(to_stored), 0), coalesce(sum(to_quarantine), 0) from ops.quarantine_moves"
    ).fetchone()
    raw = con.execute(
        "select count(*) filter (where quarantine_reason is null),"
        " count(*) filter (where quarantine_reason is not null) from raw.channel_orders"
    ).fetchone()
    return {
        "received": b[0],
        "stored": b[1] + m[0] - m[1],
        "deduplicated": b[2],
        "quarantined": b[3] - m[0] + m[1],
        "replayed_to_stored": m[0],
        "moved_to_quarantine": m[1],
        "raw_stored": raw[0],
        "raw_quarantined": raw[1],
    }
