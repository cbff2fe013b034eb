"""Independent views of the orders: read straight from the old systems, not through OrderHub's mappings.

Each reader returns one row per order in hub vocabulary: order_id, channel, shop_id, order_date (Beijing
business day of creation), status, paid_fen, source_updated_at (UTC; null when the source has none).
The status and money rules are re-stated here on purpose: a reconciliation that reused the ingest mapping
would agree with the hub even when the mapping is wrong.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import sqlalchemy as sa

from orderhub.exports import ExportReadError, read_export
from orderhub.ingest.folder import SIDECAR, read_sidecar

COLUMNS = ["order_id", "channel", "shop_id", "order_date", "status", "paid_fen", "source_updated_at"]
ERP_STATUS = {
    "NEW": "pending_payment",
    "PAID": "paid",
    "SHIPPED": "shipped",
    "DONE": "completed",
    "CANCEL": "cancelled",
    "REFUND": "refunded",
}
EXPORT_STATUS = {
    "等待买家付款": "pending_payment",
    "买家已付款，等待卖家发货": "paid",
    "卖家已发货，等待买家确认": "shipped",
    "交易成功": "completed",
    "交易关闭": "cancelled",
}
EXPORT_SHOP = "tm-outlet"
_RANK = "['pending_payment', 'paid', 'shipped', 'completed', 'cancelled', 'refunded']"


def _map_sql(column: str, mapping: dict[str, str]) -> str:
    cases = " ".join(f"when '{k}' then '{v}'" for k, v in mapping.items())
    return f"case {column} {cases} else 'unknown:' || coalesce({column}, '') end"


def _fen(column: str) -> str:
    # yuan text -> integer fen through DECIMAL: exact, never a float ("1290.5" -> 129050)
    return f"cast(round(cast(nullif(trim({column}), '') as decimal(18, 2)) * 100) as bigint)"


def _beijing(column: str, fmt: str) -> str:
    return f"timezone('Asia/Shanghai', strptime(nullif(trim({column}), ''), {fmt}))"


def erp_orders(con: duckdb.DuckDBPyConnection, engine: sa.Engine, since: date | None = None) -> pd.DataFrame:
    """so_header as it is now (read-only; is_synced is neither read nor touched). `since` filters in the ERP
    (its "YYYY/MM/DD HH:MM:SS" text sorts like time) so years of legacy history are not read every hour."""
    floor = since.strftime("%Y/%m/%d") if since else ""
    with engine.connect() as erp:
        raw = pd.read_sql(  # noqa: F841 - read by name in the SQL below
            sa.text(
                "select order_no, shop_code, status, amount, order_time, update_time "
                "from so_header where order_time >= :floor"
            ),
            erp,
            params={"floor": floor},
            dtype=str,
        )
    fmt = "'%Y/%m/%d %H:%M:%S'"
    return con.execute(f"""
        select 'erp:' || order_no as order_id, 'erp' as channel, coalesce(shop_code, 'erp-wholesale') as shop_id,
               cast(strptime(order_time, {fmt}) as date) as order_date,
               {_map_sql("status", ERP_STATUS)} as status, coalesce({_fen("amount")}, 0) as paid_fen,
               {_beijing("update_time", fmt)} as source_updated_at
        from raw""").df()[COLUMNS]


def export_orders(con: duckdb.DuckDBPyConnection, archive: Path) -> tuple[pd.DataFrame, list[str]]:
    """Orders in the archived seller-center reports (archive/<channel>/, not archive/rejected/).

    An order in several reports counts in its latest state: greatest event time, then the later archived
    file. Returns (orders, problems) — a file that cannot be re-read is reported, not skipped silently."""
    frames, problems = [], []
    for path in sorted(p for p in archive.glob("*/*") if p.is_file() and p.parent.name != "rejected"):
        facts = read_sidecar(path) or {}  # how it was landed: the mapping, and whether it is an item report
        if path.name.endswith(SIDECAR) or facts.get("role") == "items":
            continue
        try:
            _, records = read_export(path, facts.get("mapping"))
        except ExportReadError as exc:
            problems.append(f"{path.name}: {exc.reason}")
            continue
        frame = pd.DataFrame.from_records(records, columns=None).reindex(
            columns=["订单编号", "买家实际支付金额", "订单状态", "订单创建时间", "订单付款时间", "发货时间"]
        )
        frame["file_name"], frame["channel"] = path.name, path.parent.name
        frames.append(frame.astype("string"))
    if not frames:
        return pd.DataFrame(columns=COLUMNS), problems
    rows = pd.concat(frames, ignore_index=True)  # noqa: F841 - read by name in the SQL below
    # as downloaded, and as Excel leaves a report it opened and saved again ("2016/5/23 22:02")
    fmt = "['%Y-%m-%d %H:%M:%S', '%Y/%m/%d %H:%M:%S', '%Y/%m/%d %H:%M', '%Y-%m-%d %H:%M']"
    mapped = _map_sql("订单状态", EXPORT_STATUS)
    df = con.execute(f"""
        with parsed as (
            select channel || ':' || 订单编号 as order_id, channel, '{EXPORT_SHOP}' as shop_id,
                   cast(strptime(订单创建时间, {fmt}) as date) as order_date,
                   -- "closed" after a payment is a refund, not a cancellation
                   case when {mapped} = 'cancelled' and nullif(trim(订单付款时间), '') is not null
                        then 'refunded' else {mapped} end as status,
                   coalesce({_fen("买家实际支付金额")}, 0) as paid_fen,
                   greatest({_beijing("订单创建时间", fmt)}, {_beijing("订单付款时间", fmt)},
                            {_beijing("发货时间", fmt)}) as event_at,
                   file_name
            from rows
        )
        select * exclude (event_at, file_name, rn), cast(null as timestamptz) as source_updated_at from (
            select *, row_number() over (partition by order_id order by event_at desc nulls last,
                   list_position({_RANK}, status) desc, file_name desc) as rn
            from parsed) where rn = 1""").df()
    return df[COLUMNS], problems
