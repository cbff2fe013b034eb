"""Land the ERP's purchase orders and the WMS's goods receipts (what is on order, what arrived when).

Set-based DuckDB over each page: values are cast with try_cast, and a row that cannot be read (no PO number
or SKU, a negative or unreadable quantity, an unreadable time) goes to hub.quarantine (entity
'purchase_order' or 'goods_receipt', reason 'bad_purchase_order' / 'bad_goods_receipt') with the record, so
received = stored + deduplicated + quarantined always holds. Purchase orders are a full listing: the table is
replaced in one transaction. Receipts are incremental by receipt_id: a receipt already stored is a duplicate.
"""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pandas as pd

from orderhub.locks import claim
from orderhub.standardize.moves import QUARANTINE_COLUMNS
from orderhub.transaction import transaction
from orderhub.upsert import insert_or_ignore

PO_FIELDS = ["po_no", "source", "supplier_id", "warehouse_id", "sku_id", "quantity", "ordered_at", "expected_at"]
PO_FIELDS += ["status", "received_quantity"]
RECEIPT_FIELDS = ["receipt_id", "po_no", "warehouse_id", "sku_id", "quantity", "received_at"]

PO_SQL = """
create or replace temp table _po as
select nullif(trim(po_no), '') as po_no, coalesce(nullif(trim(source), ''), 'erp') as source,
       supplier_id, warehouse_id, nullif(trim(sku_id), '') as sku_id,
       try_cast(quantity as bigint) as quantity, try_cast(ordered_at as timestamptz) as ordered_at,
       try_cast(expected_at as timestamptz) as expected_at, coalesce(status, 'open') as status,
       coalesce(try_cast(received_quantity as bigint), 0) as received_quantity, record
from _items
"""
PO_BAD = """(po_no is null or sku_id is null or quantity is null or quantity < 0 or ordered_at is null
             or expected_at is null or received_quantity < 0)"""

RECEIPT_SQL = """
create or replace temp table _rc as
select try_cast(receipt_id as bigint) as receipt_id, nullif(trim(po_no), '') as po_no, warehouse_id,
       nullif(trim(sku_id), '') as sku_id, try_cast(quantity as bigint) as quantity,
       try_cast(received_at as timestamptz) as received_at, record
from _items
"""
RECEIPT_BAD = """(receipt_id is null or po_no is null or sku_id is null or quantity is null or quantity < 0
                  or received_at is null)"""

QUARANTINE_SQL = """
select sha256('{entity}|' || sha256(record) || '|{reason}'), '{entity}', '{source}', null, null, sha256(record),
       '{reason}', '{label} ' || coalesce({ident}, '?') || ' lacks a readable number, SKU, quantity or time',
       record::json, ?
from {staged} where {bad}
"""


def _stage(con: duckdb.DuckDBPyConnection, items: list[dict], fields: list[str]) -> None:
    frame = pd.DataFrame(
        {
            **{
                f: pd.Series([i.get(f) if isinstance(i, dict) else None for i in items], dtype="string") for f in fields
            },
            "record": [json.dumps(i, ensure_ascii=False, default=str, sort_keys=True) for i in items],
        }
    )
    con.register("_frame", frame)
    try:
        con.execute("create or replace temp table _items as select * from _frame")
    finally:
        con.unregister("_frame")


def _quarantine(con, entity: str, source: str, reason: str, label: str, ident: str, staged: str, bad: str, now):
    before = con.execute("select count(*) from hub.quarantine").fetchone()[0]
    sql = QUARANTINE_SQL.format(
        entity=entity, source=source, reason=reason, label=label, ident=ident, staged=staged, bad=bad
    )
    insert_or_ignore(con, "hub.quarantine", ["quarantine_id"], sql, [now], columns=QUARANTINE_COLUMNS.split(", "))
    return con.execute("select count(*) from hub.quarantine").fetchone()[0] - before


def land_purchase_orders(con: duckdb.DuckDBPyConnection, items: list[dict], now: datetime) -> dict:
    """Replace forecast.supplier_orders with this full listing; returns the accounting of the rows."""
    _stage(con, items, PO_FIELDS)
    con.execute(PO_SQL)
    with transaction(con):
        bad = con.execute(f"select count(*) from _po where {PO_BAD}").fetchone()[0]
        _quarantine(con, "purchase_order", "erp", "bad_purchase_order", "purchase order", "po_no", "_po", PO_BAD, now)
        claim(con, "forecast.supplier_orders")  # concurrent replacements on a lake conflict (orderhub/locks.py)
        con.execute("delete from forecast.supplier_orders")
        con.execute(
            f"""insert into forecast.supplier_orders
            select po_no, source, supplier_id, warehouse_id, sku_id, quantity, ordered_at, expected_at, status,
                   received_quantity, ?
            from _po where not {PO_BAD}
            qualify row_number() over (partition by po_no order by ordered_at desc) = 1""",
            [now],
        )
        stored = con.execute("select count(*) from forecast.supplier_orders").fetchone()[0]
    con.execute("drop table _po")
    return {"received": len(items), "stored": stored, "deduplicated": len(items) - stored - bad, "quarantined": bad}


def last_receipt_id(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("select coalesce(max(receipt_id), 0) from forecast.goods_receipts").fetchone()[0])


def land_receipts(con: duckdb.DuckDBPyConnection, receipts: list[dict], now: datetime) -> dict:
    """Append receipts not stored yet; returns the accounting of the rows."""
    if not receipts:
        return {"received": 0, "stored": 0, "deduplicated": 0, "quarantined": 0}
    _stage(con, receipts, RECEIPT_FIELDS)
    con.execute(RECEIPT_SQL)
    with transaction(con):
        bad = con.execute(f"select count(*) from _rc where {RECEIPT_BAD}").fetchone()[0]
        _quarantine(
            con,
            "goods_receipt",
            "wms",
            "bad_goods_receipt",
            "goods receipt",
            "receipt_id::varchar",
            "_rc",
            RECEIPT_BAD,
            now,
        )
        claim(con, "forecast.goods_receipts")  # two syncs appending the same receipts on a lake conflict
        before = con.execute("select count(*) from forecast.goods_receipts").fetchone()[0]
        con.execute(
            f"""insert into forecast.goods_receipts
            select receipt_id, po_no, warehouse_id, sku_id, quantity, received_at, ?
            from _rc r where not {RECEIPT_BAD}
              and not exists (select 1 from forecast.goods_receipts g where g.receipt_id = r.receipt_id)
            qualify row_number() over (partition by receipt_id) = 1""",
            [now],
        )
        stored = con.execute("select count(*) from forecast.goods_receipts").fetchone()[0] - before
    con.execute("drop table _rc")
    return {
        "received": len(receipts),
        "stored": stored,
        "deduplicated": len(receipts) - stored - bad,
        "quarantined": bad,
    }


def frames(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(purchase orders, receipts) in the shape forecasts.supply reads."""
    po = con.execute(
        "select po_no, source, supplier_id, sku_id, quantity, ordered_at, expected_at from forecast.supplier_orders"
    ).df()
    rc = con.execute("select po_no, sku_id, quantity, received_at from forecast.goods_receipts").df()
    return po, rc
