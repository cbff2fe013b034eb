"""Rebuild the hub order model for a window of order dates, deterministically from raw.channel_orders.

raw is the log; each order-date partition of hub.orders / hub.order_lines / hub.order_status_history is a
pure function of the raw versions of the orders created that day:
- versions of one order are ordered by (source_updated_at, received_at, content_hash): a late-arriving
  older update sorts before what came after it, so it never overwrites newer data;
- the status state machine walks the versions: pending_payment -> paid -> shipped -> completed, with
  cancelled (before shipping) and refunded branches; a version whose status would go backwards
  (completed -> paid) or leave a terminal state is kept in history with is_illegal and not applied;
- the order row is the latest version that is not illegal, its lines come from that version.
Everything is set-based SQL, never a Python loop per order: window functions walk the orders with several
versions in the window; an order with one version is written straight from its fact (same result, no sort).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from orderhub.locks import claim
from orderhub.standardize.compiler import lit
from orderhub.standardize.facts import ensure_facts
from orderhub.transaction import retrying, transaction

RANK = (
    "case status when 'pending_payment' then 0 when 'paid' then 1 when 'shipped' then 2 "
    "when 'completed' then 3 else 4 end"
)
ORDER_COLUMNS = (
    "order_id, channel, shop_id, channel_order_id, buyer_key, status, order_date, created_at, paid_at,"
    " shipped_at, completed_at, cancelled_at, total_fen, discount_fen, freight_fen, paid_fen,"
    " promotion_type, receiver_province, receiver_city, source_updated_at, ingested_at, currency"
)
LINE_COLUMNS = "order_id, line_no, order_date, channel_sku, sku_id, quantity, unit_price_fen, paid_fen, status"
HISTORY_COLUMNS = "order_id, order_date, from_status, to_status, changed_at, source, content_hash, is_illegal"


@dataclass
class HubResult:
    start_date: date
    end_date: date
    versions: int
    orders: int
    lines: int
    transitions: int
    illegal_transitions: int
    unmapped_lines: int

    def as_metadata(self) -> dict[str, int | str]:
        return {
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat(),
            "raw_versions": self.versions,
            "orders": self.orders,
            "order_lines": self.lines,
            "status_transitions": self.transitions,
            "illegal_transitions": self.illegal_transitions,
            "unmapped_lines": self.unmapped_lines,
        }


def stage_versions(con: duckdb.DuckDBPyConnection, start: date, end: date, walk_all: bool = False) -> int:
    """Walk the state machine over the versions of every order in the window that has more than one
    (temp _hub_versions; _hub_multi holds their order keys). An order with one version needs no walk: it is
    its own winner, one legal transition from nothing (build_hub writes it straight from the facts); walk_all
    sends every order through the walk (the reference the tests compare the shortcut with). Works on
    the narrow columns of raw.channel_order_facts (ensure_facts first re-standardizes what is missing)."""
    ensure_facts(con, start, end)
    window = f"order_date between {lit(start.isoformat())} and {lit(end.isoformat())}"
    # an integer hash aggregate instead of three window sorts over every version: a hash collision only
    # sends a one-version order down the exact (window) path, which gives it the same result
    con.execute(f"""create or replace temp table _hub_multi as
        select hash(order_id) as order_key from raw.channel_order_facts where {window}
        group by 1 having count(*) > {0 if walk_all else 1}""")
    w = "partition by order_id order by source_updated_at, received_at, content_hash"
    con.execute(f"""create or replace temp table _hub_versions as
    with v as (
        select order_id, content_hash, order_date, source, status, source_updated_at, received_at, created_at,
               paid_at, shipped_at, completed_at, cancelled_at, {RANK} as status_rank
        from raw.channel_order_facts semi join _hub_multi on order_key = hash(order_id) where {window}
    ), blocked as (  -- cancelling is only legal before shipping
        select *, case when status = 'cancelled' and coalesce(bool_or(status in ('shipped', 'completed'))
                       over (w rows between unbounded preceding and 1 preceding), false) then -1
                       else status_rank end as effective_rank
        from v window w as ({w})
    ), advanced as (
        select *, effective_rank > coalesce(max(effective_rank) over (w rows between unbounded preceding and 1
        preceding), -1)
                  as is_advance
        from blocked window w as ({w})
    )
    select *,
        last_value(case when is_advance then status end ignore nulls)
            over (w rows between unbounded preceding and 1 preceding) as from_status,
        row_number() over (w) as version_no
    from advanced window w as ({w})""")
    return con.execute(f"select count(*) from raw.channel_order_facts where {window}").fetchone()[0]


CHANGED_AT = """case when status = 'pending_payment' then created_at
                 when status = 'paid' then coalesce(paid_at, source_updated_at)
                 when status = 'shipped' then coalesce(shipped_at, source_updated_at)
                 when status = 'completed' then coalesce(completed_at, source_updated_at)
                 when status = 'cancelled' then coalesce(cancelled_at, source_updated_at)
                 else source_updated_at end"""


# Rank on the main path; cancelled can follow pending_payment or paid, refunded any step before it.
PATH_RANK = (
    "case {c} when 'pending_payment' then 0 when 'paid' then 1 when 'shipped' then 2 "
    "when 'completed' then 3 when 'cancelled' then 2 when 'refunded' then 4 end"
)
STEP_STATUS = (
    "case {r} when 0 then 'pending_payment' when 1 then 'paid' when 2 then 'shipped' when 3 then 'completed' end"
)
STEP_AT = "case {r} when 0 then created_at when 1 then paid_at when 2 then shipped_at when 3 then completed_at end"


def with_inferred_steps(observed: str) -> str:
    """Observed transitions plus the main-path steps each legal one skipped, dated by the revealing record's
    own timestamps (a step without a timestamp is not invented), flagged is_inferred. Legal transitions only
    move forward, so each observed row expands in place into the chain from -> skipped... -> to: the skipped
    ranks are a filtered integer range (rank -1 stands for the observed end), no join and no window sort."""
    from_rank, to_rank = PATH_RANK.format(c="from_status"), PATH_RANK.format(c="to_status")
    return f"""with o as ({observed}),
    chains as (
        select *, case when is_illegal then [] else list_filter(range(coalesce({from_rank}, -1) + 1, {to_rank}),
                       lambda r: {STEP_AT.format(r="r")} is not null) end as skipped
        from o
    ), steps as (
        select *, unnest(list_concat([-1], skipped)) as f, unnest(list_concat(skipped, [-1])) as t from chains
    )
    select order_id, order_date,
        case when f = -1 then from_status else {STEP_STATUS.format(r="f")} end as from_status,
        case when t = -1 then to_status else {STEP_STATUS.format(r="t")} end as to_status,
        case when t = -1 then changed_at else {STEP_AT.format(r="t")} end as changed_at,
        source, content_hash, is_illegal, t <> -1 as is_inferred
    from steps"""


def latest_sql(window: str, columns: str) -> str:
    """The winning fact row of every order in the window with `columns` + reached_completed_at,
    reached_cancelled_at (first applied transition into that status): one-version orders straight from the
    facts, the others through their winner in _hub_winners."""
    return f"""select {columns}, case when status = 'completed' then coalesce(completed_at, source_updated_at) end
               as reached_completed_at,
           case when status = 'cancelled' then coalesce(cancelled_at, source_updated_at) end as reached_cancelled_at
        from raw.channel_order_facts anti join _hub_multi on order_key = hash(order_id) where {window}
        union all by name
        select {columns}, reached_completed_at, reached_cancelled_at
        from _hub_winners join raw.channel_order_facts using (content_hash)"""


HUB_TABLES = ("hub.orders", "hub.order_lines", "hub.order_status_history")


def build_hub(
    con: duckdb.DuckDBPyConnection, start_date: date, end_date: date, salt: str, walk_all: bool = False
) -> HubResult:
    """Replace hub.orders / hub.order_lines / hub.order_status_history for order dates in [start, end], as one
    unit of work: on a DuckLake, runs rebuilding windows at the same time (a backfill split into several runs)
    conflict at commit, and the loser is built again from what raw holds then. The window's write locks make
    that hold for an empty window too, where no delete would have seen the other's rows."""
    if not salt:
        raise ValueError("a PII salt is required (ORDERHUB_PII_SALT): buyer ids are only stored salted+hashed")

    def unit_of_work(con: duckdb.DuckDBPyConnection) -> HubResult:
        claim(con, *HUB_TABLES)
        return _build_hub(con, start_date, end_date, salt, walk_all)

    return retrying(con, unit_of_work, what=f"hub rebuild {start_date}..{end_date}")


def _build_hub(
    con: duckdb.DuckDBPyConnection, start_date: date, end_date: date, salt: str, walk_all: bool = False
) -> HubResult:
    if not salt:
        raise ValueError("a PII salt is required (ORDERHUB_PII_SALT): buyer ids are only stored salted+hashed")
    n_versions = stage_versions(con, start_date, end_date, walk_all)
    facts_window = f"order_date between {lit(start_date.isoformat())} and {lit(end_date.isoformat())}"
    con.execute(f"""create or replace temp table _hub_history as
        select order_id, order_date, from_status, status as to_status,
            case when not is_advance then source_updated_at else {CHANGED_AT} end as changed_at,
            source, content_hash, not is_advance as is_illegal, version_no,
            created_at, paid_at, shipped_at, completed_at
        from _hub_versions where status is distinct from from_status""")
    con.execute("""create or replace temp table _hub_winners as
        with winner as (  -- the last applied version (version_no follows the version order)
            select order_id, arg_max(content_hash, version_no) as content_hash from _hub_versions
            where is_advance or status = from_status group by order_id
        ), reached as (
            select order_id, min(changed_at) filter (where to_status = 'completed') as reached_completed_at,
                   min(changed_at) filter (where to_status = 'cancelled') as reached_cancelled_at
            from _hub_history where not is_illegal group by order_id
        )
        select content_hash, reached_completed_at, reached_cancelled_at
        from winner left join reached using (order_id)""")
    latest_orders = latest_sql(
        facts_window,
        "order_id, channel, shop_id, channel_order_id, buyer_id, status, order_date,"
        " created_at, paid_at, shipped_at, completed_at, cancelled_at, total_fen, discount_fen,"
        " freight_fen, paid_fen, promotion_type, receiver_province, receiver_city,"
        " source_updated_at, received_at, currency",
    )
    latest_lines = latest_sql(
        facts_window,
        "order_id, channel, order_date, status, completed_at, cancelled_at,"
        " source_updated_at, line_sku, line_qty, line_unit_fen, line_paid_fen, line_status",
    )
    window = "order_date between ? and ?"
    params = [start_date, end_date]
    # the hub tables have no order (readers sort): let the inserts run in parallel
    keep_order = con.execute("select current_setting('preserve_insertion_order')").fetchone()[0]
    con.execute("set preserve_insertion_order = false")
    try:
        with transaction(con):
            for table in ("hub.order_status_history", "hub.order_lines", "hub.orders"):
                con.execute(f"delete from {table} where {window}", params)
            # written straight from the facts in one pass each: no wide temp table in between
            n_orders = con.execute(f"""insert into hub.orders ({ORDER_COLUMNS})
            select order_id, channel, shop_id, channel_order_id,
                -- 128 bits of the salted sha256: collision-free at any shop's scale, half the bytes to store
                case when buyer_id is not null
                     then left(sha256({lit(salt)} || '|' || channel || '|' || buyer_id), 32) end,
                status, order_date, created_at, paid_at, shipped_at,
                coalesce(reached_completed_at, case when status = 'completed' then completed_at end),
                case when status = 'cancelled' then reached_cancelled_at end,
                total_fen, discount_fen, freight_fen, paid_fen, promotion_type, receiver_province,
                receiver_city, source_updated_at, received_at, currency
            from ({latest_orders})""").fetchone()[0]
            n_lines = con.execute(f"""insert into hub.order_lines ({LINE_COLUMNS})
            with exploded as (
                select order_id, channel, order_date, unnest(range(1, len(line_sku) + 1)) as line_no,
                       unnest(line_sku) as channel_sku, unnest(line_qty) as quantity,
                       unnest(line_unit_fen) as unit_price_fen, unnest(line_paid_fen) as paid_fen,
                       unnest(line_status) as status
                from ({latest_lines})
            )
            select e.order_id, e.line_no, e.order_date, e.channel_sku, m.sku_id, e.quantity, e.unit_price_fen,
                   e.paid_fen, e.status
            from exploded e left join hub.sku_map m
                on m.channel = e.channel and m.channel_sku = e.channel_sku""").fetchone()[0]
            # a one-version order has one observed transition, from nothing into its status
            stamps = "created_at, paid_at, shipped_at, completed_at"  # of the record that revealed it
            observed = f"""select {HISTORY_COLUMNS}, {stamps} from _hub_history
            union all
            select order_id, order_date, null, status, {CHANGED_AT}, source, content_hash, false, {stamps}
            from raw.channel_order_facts anti join _hub_multi on order_key = hash(order_id)
            where {facts_window}"""
            n_history = con.execute(f"""insert into hub.order_status_history ({HISTORY_COLUMNS}, is_inferred)
            {with_inferred_steps(observed)}""").fetchone()[0]
            # the window was emptied above and only window rows went in: the counts are what was inserted
            stats = (
                n_orders,
                n_lines,
                n_history,
                con.execute("select count(*) from _hub_history where is_illegal").fetchone()[0],
                con.execute(
                    f"select count(*) from hub.order_lines where {window} and sku_id is null", params
                ).fetchone()[0],
            )
    finally:
        con.execute(f"set preserve_insertion_order = {keep_order}")
    for t in ("_hub_multi", "_hub_versions", "_hub_history", "_hub_winners"):
        con.execute(f"drop table if exists {t}")
    return HubResult(start_date, end_date, n_versions, *stats)
