"""Quarantined order records re-standardized with today's mappings (`orderhub quarantine replay`).

After a seller fixes a mapping (a status text added to the map, a time format, a currency), the records it
quarantined are read again from raw (they were kept there, flagged) and run through the current mapping:
those that now standardize are stored (their fact written, the quarantine row resolved), those that fail for
another reason get a row for that reason, the rest stay. The move is counted in ops.quarantine_moves, never
as a new landing, so received = stored + deduplicated + quarantined still holds over batches and moves.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from orderhub.locks import claim
from orderhub.standardize.compiler import lit
from orderhub.standardize.facts import FACT_COLUMNS, facts_sql
from orderhub.standardize.loader import load_mapping
from orderhub.standardize.moves import Move, apply_outcome, new_move, record_move
from orderhub.transaction import transaction

# Decided about a whole file, not by the mapping of one record: re-drop the file instead (see the message).
NOT_REPLAYABLE = ("duplicate_order_in_file",)


def replayable_where(mapping: str | None, reason: str | None) -> str:
    where = [
        "quarantine_reason is not null",
        f"quarantine_reason not in ({', '.join(lit(r) for r in NOT_REPLAYABLE)})",
    ]
    if mapping:
        where.append(f"mapping = {lit(mapping)}")
    if reason:
        where.append(f"quarantine_reason = {lit(reason)}")
    return " and ".join(where)


def replay(
    con: duckdb.DuckDBPyConnection,
    *,
    mapping: str | None = None,
    reason: str | None = None,
    run_id: str | None = None,
) -> Move:
    """Re-standardize the replayable quarantined records (of one mapping / one reason, or all) in one transaction."""
    started = datetime.now(UTC)
    move = new_move("replay")
    where = replayable_where(mapping, reason)
    names = [
        r[0]
        for r in con.execute(f"select distinct mapping from raw.channel_orders where {where} order by 1").fetchall()
    ]
    if not names:
        move.order_dates = remapped_dates(con)
        return move
    parts = [
        facts_sql(
            load_mapping(name),
            f"select content_hash, record, shop_id, received_at, source, quarantine_reason as old_reason"
            f" from raw.channel_orders where {where} and mapping = {lit(name)}",
            ("old_reason",),
        )
        for name in names
    ]
    con.execute("create or replace temp table _replay_std as " + " union all by name ".join(f"({p})" for p in parts))
    with transaction(con):
        claim(con, "raw.channel_orders", "raw.channel_order_facts")  # a concurrent landing on a lake conflicts
        con.execute(
            f"insert into raw.channel_order_facts ({FACT_COLUMNS}) select {FACT_COLUMNS} from _replay_std"
            " where reason is null"
        )
        apply_outcome(con, "_replay_std", move, started)
        record_move(con, move, started, mapping=mapping, reason=reason, run_id=run_id)
    stored = con.execute("select distinct order_date from _replay_std where reason is null and order_date is not null")
    move.order_dates = sorted({r[0] for r in stored.fetchall()} | set(remapped_dates(con)))
    con.execute("drop table _replay_std")
    return move


def remapped_dates(con: duckdb.DuckDBPyConnection) -> list:
    """Order dates with hub lines whose channel SKU was unmapped when built and is mapped now (an alias added):
    rebuilding them gives those lines their SKU."""
    return [
        r[0]
        for r in con.execute("""select distinct l.order_date from hub.order_lines l join hub.orders o using (order_id)
            semi join hub.sku_map m on m.channel = o.channel and m.channel_sku = l.channel_sku
            where l.sku_id is null order by 1""").fetchall()
    ]


def preview(con: duckdb.DuckDBPyConnection, *, mapping: str | None = None, reason: str | None = None):
    """What a replay would do, writing nothing: (records, [(new reason or None = stored, count)])."""
    where = replayable_where(mapping, reason)
    names = [r[0] for r in con.execute(f"select distinct mapping from raw.channel_orders where {where}").fetchall()]
    counts: dict = {}
    for name in names:
        src = (
            f"select content_hash, record, shop_id, received_at, source from raw.channel_orders"
            f" where {where} and mapping = {lit(name)}"
        )
        for why, n in con.execute(
            f"select reason, count(*) from ({facts_sql(load_mapping(name), src)}) group by 1"
        ).fetchall():
            counts[why] = counts.get(why, 0) + n
    return sum(counts.values()), sorted(counts.items(), key=lambda kv: (kv[0] is not None, kv[0] or ""))


def quarantine_summary(con: duckdb.DuckDBPyConnection, resolved: bool = False) -> list[tuple]:
    """Quarantine rows (open ones, or all) by entity, source, channel, mapping and reason, with their count and
    first/last time."""
    return con.execute(f"""
        select q.entity, q.source, coalesce(q.channel, ''), coalesce(r.mapping, ''), q.reason, count(*),
               min(q.quarantined_at), max(q.quarantined_at)
        from hub.quarantine q
        left join raw.channel_orders r on q.entity = 'order' and r.content_hash::varchar = q.content_hash
        where {"true" if resolved else "q.resolved_at is null"}
        group by all order by 6 desc, 1, 2, 3, 4, 5""").fetchall()
