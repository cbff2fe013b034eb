"""Daily per-SKU demand from the UCI Online Retail invoices (real UK sales, 2009-12 to 2011-12).

Two schemas exist (see the data's SOURCE.md) and both are read:
- "Online Retail" (2010-12 .. 2011-12): InvoiceNo, UnitPrice, CustomerID (double), InvoiceDate timestamp;
- "Online Retail II" (2009-12 .. 2010-12, and the 2010-2011 sheet): Invoice, Price, "Customer ID",
  InvoiceDate as text 'YYYY-MM-DD HH:MM:SS'.
Each file is mapped to one line schema before cleaning; when both years are given, the overlapping
2010-12-01 .. 2010-12-09 lines (identical in the two files) are kept once, from the newer file.

Cleaning, all in one DuckDB query:
- product lines only: StockCode = 5 digits + optional letters (drops POST, M, D, DOT, C2, BANK CHARGES,
  AMAZONFEE, gift vouchers, samples, ...);
- cancellations (invoice starting "C") are dropped *together with the sale they reverse* (same customer,
  SKU and quantity, paired one-to-one in time order), else a cancelled 80,995-unit order stays as demand;
- non-positive quantity, zero/negative price dropped;
- the last day (data ends mid-day) is incomplete and is cut.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd

DATA_DIR_NAME = Path("shared/data/uci_online_retail")
FILE_2011 = "online_retail_2010-12_2011-12.parquet"
FILE_2010 = "online_retail_ii_2009-12_2010-12.parquet"


def data_dir() -> Path:
    """$ORDERHUB_UCI_DIR, else the first `shared/data/uci_online_retail` beside the repo or a parent of it
    (a git worktree lives one level deeper than the main checkout)."""
    if os.environ.get("ORDERHUB_UCI_DIR"):
        return Path(os.environ["ORDERHUB_UCI_DIR"])
    here = Path(__file__).resolve().parents[1]
    for base in here.parents:
        if (base / DATA_DIR_NAME).is_dir():
            return base / DATA_DIR_NAME
    return here.parent / DATA_DIR_NAME


UCI_PATH = data_dir() / FILE_2011


def available_files() -> list[Path]:
    """The UCI files present, oldest first."""
    return [p for p in (data_dir() / FILE_2010, data_dir() / FILE_2011) if p.exists()]


def _lines_sql(columns: set[str], k: int) -> str:
    """One file's rows in the common line schema, whichever of the two schemas it has."""
    if "InvoiceNo" in columns:
        inv, price, cust, at = "InvoiceNo", "UnitPrice", "CustomerID", "InvoiceDate"
    elif "Invoice" in columns:
        inv, price, cust, at = "Invoice", "Price", '"Customer ID"', "InvoiceDate"
    else:
        raise ValueError(f"not a UCI Online Retail file: columns {sorted(columns)}")
    return (
        f"select cast({inv} as varchar) as invoice_no, cast(StockCode as varchar) as sku_id,"
        f" cast(Quantity as bigint) as quantity, cast({price} as double) as unit_price,"
        f" cast({at} as timestamp) as invoiced_at,"
        f" coalesce(cast(cast({cust} as bigint) as varchar), '?') as customer_id, {k} as file_rank"
        f" from read_parquet($p{k})"
    )


CLEAN_SQL = """
with raw as ({union}),
starts as (select file_rank, min(invoiced_at) as t from raw group by file_rank),
lines as (  -- rows of an older file from a newer file's first instant on are that file's duplicates
    select raw.* from raw join starts own using (file_rank)
    where regexp_full_match(sku_id, '[0-9]{{5}}[A-Za-z]*')
      and not exists (select 1 from starts n where n.t > own.t and raw.invoiced_at >= n.t)
),
cancels as (
    select *, row_number() over (partition by customer_id, sku_id, -quantity order by invoiced_at) as k
    from lines where invoice_no like 'C%'
),
sales as (
    select *, row_number() over (partition by customer_id, sku_id, quantity order by invoiced_at) as k
    from lines where invoice_no not like 'C%' and quantity > 0 and unit_price > 0
),
kept as (
    select s.* from sales s
    anti join cancels c
        on c.customer_id = s.customer_id and c.sku_id = s.sku_id and -c.quantity = s.quantity and c.k = s.k
        and c.customer_id <> '?'
)
select sku_id, cast(invoiced_at as date) as demand_date, sum(quantity)::double as units, 0.0 as promo_units
from kept
where cast(invoiced_at as date) < (select max(cast(invoiced_at as date)) from lines)
group by all
order by sku_id, demand_date
"""


def load_daily(path: Path | list[Path] | None = None) -> pd.DataFrame:
    """sku_id, demand_date, units, promo_units from one file, several files, or (default) the 2010-2011 file."""
    paths = [UCI_PATH] if path is None else ([path] if isinstance(path, (str, Path)) else list(path))
    for p in paths:
        if not Path(p).exists():
            raise FileNotFoundError(f"UCI Online Retail parquet not found at {p}")
    con = duckdb.connect()
    try:
        parts, params = [], {}
        for k, p in enumerate(paths):
            cols = {r[0] for r in con.execute("describe select * from read_parquet(?)", [str(p)]).fetchall()}
            parts.append(_lines_sql(cols, k))
            params[f"p{k}"] = str(p)
        return con.execute(CLEAN_SQL.format(union=" union all ".join(parts)), params).df()
    finally:
        con.close()
