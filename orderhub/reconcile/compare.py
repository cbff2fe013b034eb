"""Compare the hub with one independent source and store the result (ops.reconciliation + _diffs).

Pure DuckDB: the source arrives as a DataFrame (orderhub.reconcile.sources), the hub side is hub.orders
restricted to the same channel/shop and days. Per order the reasons are:
  missing_in_hub     the source has it, the hub does not
  missing_in_source  the hub has it, the source does not
  amount_mismatch    paid amount (fen) differs
  status_mismatch    status differs (both may apply to one order: two rows)
A difference is "in flight" when the source changed after the newest version the hub has ingested for
that channel (the next ingest will bring it); those are listed but do not make a day a mismatch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import duckdb
import pandas as pd

from orderhub.locks import claim
from orderhub.transaction import transaction


@dataclass(frozen=True)
class Scope:
    source: str  # 'erp_db' | 'export_file'
    channel: str
    shop_id: str
    raw_mapping: str  # raw.channel_orders.mapping whose newest source_updated_at is the hub's watermark
    since: date | None = None
    only_source_days: bool = False  # exports cover only the days a report was downloaded for


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> duckdb.DuckDBPyConnection:
    """DuckDB refuses named parameters a statement does not use: pass only the used ones."""
    return con.execute(sql, {k: v for k, v in (params or {}).items() if re.search(rf"\${k}\b", sql)})


def reconcile(
    con: duckdb.DuckDBPyConnection, source: pd.DataFrame, scope: Scope, checked_at: datetime | None = None
) -> dict[str, int]:
    """Replace this scope's rows in ops.reconciliation(_diffs) for the days compared; returns totals."""
    checked_at = checked_at or datetime.now(UTC)
    frame = source[(source["channel"] == scope.channel) & (source["shop_id"] == scope.shop_id)]
    # typed even when empty (an empty object-dtype frame would scan as varchar)
    con.register("_recon_frame", frame)
    _run(
        con,
        """create or replace temp table _recon_src as
        select cast(order_id as varchar) as order_id, cast(order_date as date) as order_date,
               cast(status as varchar) as status, cast(paid_fen as bigint) as paid_fen,
               cast(source_updated_at as timestamptz) as source_updated_at from _recon_frame""",
    )
    con.unregister("_recon_frame")
    params = {
        "channel": scope.channel,
        "shop": scope.shop_id,
        "since": scope.since,
        "mapping": scope.raw_mapping,
        "source": scope.source,
        "checked": checked_at,
    }
    days_filter = "and order_date in (select order_date from src)" if scope.only_source_days else ""
    _run(
        con,
        f"""create or replace temp table _recon_pairs as
        with src as (select * from _recon_src where $since is null or order_date >= $since),
        hub as (
            select order_id, order_date, status, paid_fen, source_updated_at from hub.orders
            where channel = $channel and shop_id = $shop and ($since is null or order_date >= $since) {days_filter}
        ),
        watermark as (
            select max(source_updated_at) as hub_seen_at from raw.channel_orders
            where mapping = $mapping and quarantine_reason is null
        )
        select coalesce(s.order_id, h.order_id) as order_id, coalesce(s.order_date, h.order_date) as recon_date,
               s.order_id is not null as in_source, h.order_id is not null as in_hub,
               s.status as source_status, h.status as hub_status, s.paid_fen as source_paid_fen,
               h.paid_fen as hub_paid_fen, s.source_updated_at, h.source_updated_at as hub_source_updated_at,
               coalesce(s.source_updated_at > w.hub_seen_at, false) as is_in_flight
        from src s full join hub h using (order_id) cross join watermark w""",
        params,
    )
    _run(
        con,
        """create or replace temp table _recon_diffs as
        with reasons as (
            select *, 'missing_in_hub' as reason from _recon_pairs where not in_hub
            union all select *, 'missing_in_source' from _recon_pairs where not in_source
            union all select *, 'amount_mismatch' from _recon_pairs
                where in_hub and in_source and source_paid_fen <> hub_paid_fen
            union all select *, 'status_mismatch' from _recon_pairs
                where in_hub and in_source and source_status <> hub_status
        )
        select recon_date, $channel as channel, $shop as shop_id, $source as source, order_id, reason,
               source_status, hub_status, source_paid_fen, hub_paid_fen, source_updated_at, hub_source_updated_at,
               is_in_flight, $checked as checked_at
        from reasons""",
        params,
    )
    with transaction(con):
        days = "recon_date in (select recon_date from _recon_pairs)"
        where = f"source = $source and channel = $channel and shop_id = $shop and {days}"
        claim(
            con, "ops.reconciliation_diffs", "ops.reconciliation"
        )  # concurrent replacements on a lake conflict (orderhub/locks.py)
        _run(con, f"delete from ops.reconciliation_diffs where {where}", params)
        _run(con, f"delete from ops.reconciliation where {where}", params)
        _run(con, "insert into ops.reconciliation_diffs by name select * from _recon_diffs")
        _run(
            con,
            """insert into ops.reconciliation by name
            with per_order as (
                select p.*, coalesce(d.reasons, []) as reasons, coalesce(d.all_in_flight, true) as all_in_flight
                from _recon_pairs p left join (
                    select order_id, list(reason) as reasons, bool_and(is_in_flight) as all_in_flight
                    from _recon_diffs group by order_id) d using (order_id)
            )
            select recon_date, $channel as channel, $shop as shop_id, $source as source,
                   count(*) filter (where in_source) as source_orders,
                   count(*) filter (where in_hub) as hub_orders,
                   count(*) filter (where in_source and in_hub and len(reasons) = 0) as matched_orders,
                   count(*) filter (where list_contains(reasons, 'missing_in_hub')) as missing_in_hub,
                   count(*) filter (where list_contains(reasons, 'missing_in_source')) as missing_in_source,
                   count(*) filter (where list_contains(reasons, 'amount_mismatch')) as amount_mismatch,
                   count(*) filter (where list_contains(reasons, 'status_mismatch')) as status_mismatch,
                   count(*) filter (where len(reasons) > 0 and all_in_flight) as in_flight,
                   coalesce(sum(source_paid_fen), 0) as source_paid_fen, coalesce(sum(hub_paid_fen), 0) as hub_paid_fen,
                   count(*) filter (where len(reasons) > 0 and not all_in_flight) = 0 as is_match,
                   $checked as checked_at
            from per_order group by recon_date""",
            params,
        )
    totals = _run(con, """select count(*), count(*) filter (where not is_in_flight) from _recon_diffs""").fetchone()
    compared = _run(con, "select count(*) from _recon_pairs").fetchone()[0]
    return {"orders_compared": compared, "diffs": totals[0], "diffs_not_in_flight": totals[1]}


def open_mismatches(con: duckdb.DuckDBPyConnection, since: date | None = None) -> pd.DataFrame:
    """Days/channels whose latest reconciliation disagrees (ignoring in-flight differences)."""
    return _run(
        con,
        """select * from ops.reconciliation where not is_match and ($since is null or recon_date >= $since)
                          order by recon_date, channel, source""",
        {"since": since},
    ).df()
