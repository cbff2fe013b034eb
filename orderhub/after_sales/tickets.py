"""Land after-sales tickets: validate, link to hub.orders, quarantine orphans, merge, enforce closing rule.

A ticket is 'closed' only when a refund or a reshipment is recorded for it; a source that says closed/success
without either yields 'resolved' (source_status keeps what the platform said). close_ticket() refuses to close
without a resolution, and a blocking check on hub.after_sales_tickets catches any other writer that does (the
table has no CHECK constraint: DuckLake has none).
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from orderhub.after_sales.compiler import ticket_sql
from orderhub.after_sales.loader import all_ticket_mappings
from orderhub.after_sales.mapping import TICKET_TYPES as TYPES
from orderhub.after_sales.personal import tokenized_incoming
from orderhub.standardize.moves import QUARANTINE_COLUMNS
from orderhub.transaction import transaction
from orderhub.upsert import insert_or_ignore, insert_or_replace

STAGE_SQL = f"""
create or replace temp table as_staged as
with staged as ({{select_sql}}),
latest as (
    select * from staged
    qualify ticket_code is null
         or row_number() over (partition by ticket_code order by updated_at desc nulls last, content_hash) = 1
)
select s.*, s.channel || ':' || s.channel_order_id as order_id,
       case when s.ticket_code is null or s.channel_order_id is null or s.channel is null then 'missing_field'
            when s.ticket_type is null or s.ticket_type not in {TYPES} then 'unknown_type'
            when s.outcome is null then 'unknown_status'
            when s.created_at is null or s.updated_at is null then 'bad_timestamp'
            when o.order_id is null then 'unknown_order'
       end as problem
from latest s left join hub.orders o on o.order_id = s.channel || ':' || s.channel_order_id
"""

QUARANTINE_SQL = """
select sha256('ticket|' || content_hash || '|' || problem), 'ticket',
       case when source = 'channel_api' then 'api' else 'cs_form' end, channel, $batch_id, content_hash, problem,
       'after-sales ticket ' || coalesce(ticket_code, '?') || ' for order ' || coalesce(order_id, '?') || ': ' ||
       problem,
       record, $now
from as_staged where problem is not null
"""

MERGE_SQL = """
with s as (select * from as_staged where problem is null),
e as (select * from hub.after_sales_tickets),
order_refund as (select order_id, source_updated_at as at from hub.orders where status = 'refunded'),
ticket_refund as (
    select order_id, min(refund_recorded_at) as at from hub.after_sales_tickets
    where refund_recorded_at is not null group by order_id
),
merged as (
    select s.*,
           coalesce(e.refund_recorded_at,
                    case when s.outcome = 'success' and s.refund_fen > 0 and not s.is_exchange then s.updated_at end,
                    case when s.outcome = 'success' then coalesce(tr.at, orf.at) end) as refund_at,
           coalesce(e.reshipment_recorded_at,
                    case when s.outcome = 'success' and s.is_exchange then s.updated_at end) as reship_at,
           e.reshipment_waybill_no, e.closed_at as prev_closed_at, e.ingested_at as prev_ingested_at
    from s
    left join e using (ticket_code)
    left join order_refund orf on orf.order_id = s.order_id
    left join ticket_refund tr on tr.order_id = s.order_id
    where e.ticket_code is null or s.updated_at >= e.updated_at  -- a late, older version never wins
),
final as (
    select *, case when outcome <> 'success' then outcome
                   when refund_at is not null or reship_at is not null then 'closed'
                   else 'resolved' end as status
    from merged
)
select ticket_code, source, channel, order_id, channel_order_id, ticket_type, status, source_status, refund_fen,
       reason, created_at, updated_at, refund_at, reship_at, reshipment_waybill_no,
       case when status = 'closed' then coalesce(prev_closed_at, updated_at) end,
       coalesce(prev_ingested_at, $now)
from final
"""


def stage_selects() -> list[str]:
    """The compiled mappings (orderhub/mappings/after_sales/*.yaml) as the SELECTs staged one after the other:
    channel tickets ('<channel>:<platform id>') first, then tickets carrying their own code (the CS form), so
    that a CS ticket sees the channel refund recorded for its order in the same landing."""
    mappings = list(all_ticket_mappings().values())
    groups = ([m for m in mappings if not m.own_code], [m for m in mappings if m.own_code])
    return [" union all ".join(f"select * from ({ticket_sql(m)})" for m in group) for group in groups if group]


def land_tickets(
    con: duckdb.DuckDBPyConnection,
    feeds: dict[str, list[dict]],
    now: datetime,
    batch_id: str | None = None,
    cursors: dict[str, str] | None = None,
) -> dict[str, int]:
    """feeds: {mapping feed ("taobao"|"douyin"|"pdd"|"cs"): raw after-sales records or CS form tickets}. One
    transaction.

    Channel tickets merge before CS tickets so a CS ticket can see the channel refund for its order. Personal
    data leaves the records first (orderhub/after_sales/personal.py): quarantine and the hub only see tokens.
    `cursors` (ops.cursors name -> value) advance in the same transaction as the data they cover.
    Returns received / stored / superseded (older version in the same batch or already newer in the table) /
    quarantined counts."""
    personal = tokenized_incoming(con, feeds)
    counts = {"received": sum(len(r) for r in feeds.values()), "stored": 0, "quarantined": 0}
    try:
        with transaction(con):
            for select_sql in stage_selects():
                con.execute(STAGE_SQL.format(select_sql=select_sql))
                counts["quarantined"] += con.execute(
                    "select count(*) from as_staged where problem is not null"
                ).fetchone()[0]
                insert_or_ignore(
                    con,
                    "hub.quarantine",
                    ["quarantine_id"],
                    QUARANTINE_SQL,
                    {"batch_id": batch_id, "now": now},
                    columns=QUARANTINE_COLUMNS.split(", "),
                )
                before = con.execute("select count(*) from as_staged where problem is null").fetchone()[0]
                insert_or_replace(con, "hub.after_sales_tickets", ["ticket_code"], MERGE_SQL, {"now": now})
                counts["stored"] += before
            for name, value in (cursors or {}).items():
                insert_or_replace(
                    con, "ops.cursors", ["cursor_name"], "select ?, ?, ?::timestamptz", [name, value, now]
                )
    finally:  # the staged records are temp tables: `incoming` would hide a landing's own batch of that name
        for t in ("incoming", "as_staged"):
            con.execute(f"drop table if exists temp.{t}")
    counts["superseded"] = counts["received"] - counts["stored"] - counts["quarantined"]
    return counts | personal


def record_reshipment(con: duckdb.DuckDBPyConnection, ticket_code: str, waybill_no: str, at: datetime) -> None:
    """Record that a replacement was shipped for this ticket (the fact that allows closing it)."""
    with transaction(con):
        (n,) = con.execute(  # the updated row count (a DuckLake has no UPDATE … RETURNING)
            "update hub.after_sales_tickets set reshipment_recorded_at = ?, reshipment_waybill_no = ?"
            " where ticket_code = ?",
            [at, waybill_no, ticket_code],
        ).fetchone()
        if not n:
            raise KeyError(f"unknown ticket {ticket_code}")


def close_ticket(con: duckdb.DuckDBPyConnection, ticket_code: str, at: datetime) -> None:
    """Close a ticket; refuses unless its refund or reshipment is recorded."""
    with transaction(con):
        row = con.execute(
            "select refund_recorded_at, reshipment_recorded_at from hub.after_sales_tickets where ticket_code = ?",
            [ticket_code],
        ).fetchone()
        if row is None:
            raise KeyError(f"unknown ticket {ticket_code}")
        if row[0] is None and row[1] is None:
            raise ValueError(f"ticket {ticket_code} cannot be closed: no refund or reshipment recorded")
        con.execute(
            "update hub.after_sales_tickets set status = 'closed', closed_at = coalesce(closed_at, ?)"
            " where ticket_code = ?",
            [at, ticket_code],
        )
