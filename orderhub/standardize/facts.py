"""raw.channel_order_facts: each standardizable raw record's typed projection, computed once.

The landing standardizes every new record anyway (to validate it); keeping the result means the hub
rebuild reads typed columns instead of parsing JSON again. The facts are a cache of a pure function of
raw: each row carries the version (md5 of the compiled mapping query) that produced it, and
`ensure_facts` re-standardizes from raw whatever is missing or stale in a window (an older warehouse, an
edited mapping file, a compiler change), so the hub stays a function of raw alone.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, date, datetime

import duckdb

from orderhub.locks import claim
from orderhub.standardize.compiler import lit, standardize_sql
from orderhub.standardize.loader import load_mapping
from orderhub.standardize.mapping import Mapping
from orderhub.standardize.moves import apply_outcome, new_move, record_move
from orderhub.transaction import transaction

log = logging.getLogger(__name__)

FACT_COLUMNS = (
    "content_hash, mapping_version, order_id, mapping, channel, shop_id, source, received_at, channel_order_id,"
    " source_updated_at, created_at, order_date, paid_at, shipped_at, completed_at, cancelled_at, status,"
    " total_fen, discount_fen, freight_fen, paid_fen, buyer_id, promotion_type, receiver_province, receiver_city,"
    " line_sku, line_qty, line_unit_fen, line_paid_fen, line_status, currency"
)


def mapping_version(m: Mapping) -> str:
    return hashlib.md5(standardize_sql(m, "select * from _src").encode()).hexdigest()


def facts_sql(m: Mapping, source_sql: str, extra: tuple[str, ...] = ()) -> str:
    """FACT_COLUMNS + reason, message (+ extra) for every row of `source_sql` (record + compiler PASSTHROUGH)."""
    cols = FACT_COLUMNS.replace("mapping_version,", f"{lit(mapping_version(m))} as mapping_version,").replace(
        "order_id,", "channel || ':' || channel_order_id as order_id,", 1
    )
    tail = "".join(", " + c for c in extra)
    return f"select {cols}, reason, message{tail} from ({standardize_sql(m, source_sql, extra)})"


def ensure_facts(con: duckdb.DuckDBPyConnection, start: date, end: date) -> int:
    """Standardize from raw every record in [start, end] without a current fact; returns how many."""
    window = f"order_date between {lit(start.isoformat())} and {lit(end.isoformat())}"
    names = [
        r[0]
        for r in con.execute(
            f"select distinct mapping from raw.channel_order_facts where {window} order by 1"
        ).fetchall()
    ]
    versions = {n: mapping_version(load_mapping(n)) for n in names}
    current = " or ".join(f"(mapping = {lit(n)} and mapping_version = {lit(v)})" for n, v in versions.items())
    if _in_step(con, window, current):
        return 0
    with transaction(con):
        claim(con, "raw.channel_order_facts")
        # stale (another mapping version) or orphaned (raw row removed, e.g. retention): not a fact any more
        con.execute(f"""delete from raw.channel_order_facts where {window} and (not ({current or "false"})
            or content_hash not in (select content_hash from raw.channel_orders where quarantine_reason is null))""")
        # narrow first (hashes only): in the usual case nothing is missing and no record text is read
        con.execute(f"""create or replace temp table _facts_missing as
            select content_hash, mapping from raw.channel_orders anti join raw.channel_order_facts using (content_hash)
            where raw.channel_orders.{window} and quarantine_reason is null""")
        added = 0
        for (name,) in con.execute("select distinct mapping from _facts_missing order by 1").fetchall():
            src = (
                f"select content_hash, record, shop_id, received_at, source from raw.channel_orders "
                f"where content_hash in (select content_hash from _facts_missing where mapping = {lit(name)})"
            )
            con.execute(f"create or replace temp table _facts_new as {facts_sql(load_mapping(name), src)}")
            bad = con.execute("select count(*) from _facts_new where reason is not null").fetchone()[0]
            if bad:  # landed as standardizable, rejected by today's mapping: quarantined, never dropped silently
                _requarantine(con, name)
            added += con.execute(
                f"insert into raw.channel_order_facts ({FACT_COLUMNS}) select {FACT_COLUMNS} from _facts_new"
                " where reason is null"
            ).fetchone()[0]
        con.execute("drop table if exists _facts_new; drop table if exists _facts_missing")
    return added


def _requarantine(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Records stored under an earlier mapping that today's rejects (e.g. a newly added plausibility check):
    flagged in raw with a hub.quarantine row, the move counted in ops.quarantine_moves (kind restandardize)."""
    started = datetime.now(UTC)
    con.execute("create or replace temp table _facts_moved as select *, null::varchar as old_reason from _facts_new")
    move = new_move("restandardize")
    claim(con, "raw.channel_orders")
    apply_outcome(con, "_facts_moved", move, started)
    record_move(con, move, started, mapping=name)
    con.execute("drop table _facts_moved")
    log.warning(
        "%s: %d stored records no longer standardize and were quarantined (%s)", name, move.to_quarantine, move.reasons
    )


def _in_step(con: duckdb.DuckDBPyConnection, window: str, current: str) -> bool:
    """The usual case, cheaply: every fact in the window is current and the window's facts are exactly the
    window's standardizable raw rows (same count and the same 128-bit fingerprint of their content hashes,
    which are unique on both sides). Anything else takes the exact anti-joins below."""
    fingerprint = "count(*), sum(hash(content_hash)::hugeint), bit_xor(hash(content_hash, 1))"
    facts = con.execute(
        f"select {fingerprint}, count(*) filter (where not ({current or 'false'})) "
        f"from raw.channel_order_facts where {window}"
    ).fetchone()
    raw = con.execute(
        f"select {fingerprint} from raw.channel_orders where {window} and quarantine_reason is null"
    ).fetchone()
    return facts[3] == 0 and tuple(facts[:3]) == tuple(raw)
