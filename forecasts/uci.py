"""Daily per-SKU demand from the UCI Online Retail invoices (real UK sales, 2010-12 to 2011-12).

Cleaning (see the data's SOURCE.md), all in one DuckDB query:
- product lines only: StockCode = 5 digits + optional letters (drops POST, M, D, DOT, C2, BANK CHARGES,
  AMAZONFEE, gift vouchers, samples, ...);
- cancellations (InvoiceNo starting "C") are dropped *together with the sale they reverse* (same customer,
  SKU and quantity, paired one-to-one in time order), else a cancelled 80,995-unit order stays as demand;
- non-positive quantity, zero/negative price dropped;
- the last day (2011-12-09, data ends at 12:50) is incomplete and is cut.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

UCI_PATH = (
    Path(__file__).resolve().parents[1].parent / "shared/data/uci_online_retail/online_retail_2010-12_2011-12.parquet"
)

DAILY_SQL = """
with source as (
    select * from read_parquet(?)
),
lines as (
    select InvoiceNo as invoice_no, StockCode as sku_id, Quantity as quantity, UnitPrice as unit_price,
           InvoiceDate as invoiced_at, coalesce(cast(CustomerID as varchar), '?') as customer_id
    from source
    where regexp_full_match(StockCode, '[0-9]{5}[A-Za-z]*')
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


def load_daily(path: Path = UCI_PATH) -> pd.DataFrame:
    if not path.exists():
        raise FileNotFoundError(f"UCI Online Retail parquet not found at {path}")
    con = duckdb.connect()
    try:
        return con.execute(DAILY_SQL, [str(path)]).df()
    finally:
        con.close()
