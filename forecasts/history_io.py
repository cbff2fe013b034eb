"""forecast.daily_forecasts: store each day's forecast, and read forecasts back as arrays for the policy.

Production rows are kept for `keep_days` origins (what the safety stock learns from once they have aged);
backtest rows are replaced by every backtest. Reading turns rows into a "book", origin day index -> daily
forecasts (n_sku, horizon) aligned with a DemandMatrix, NaN where a SKU has no row; when both kinds exist
for one origin, the production forecast wins (it is what purchasing really planned with).
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd

from forecasts.features import DemandMatrix
from forecasts.warehouse_io import replace_table
from orderhub.transaction import transaction


def store_production(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, created_at, keep_days: int) -> int:
    """Replace this origin's production rows and drop production origins older than `keep_days`."""
    origin = rows["origin_date"].iloc[0] if len(rows) else None
    frame = rows.assign(created_at=created_at)
    n = replace_table(con, "forecast.daily_forecasts", frame, "source = 'production' and origin_date = ?", [origin])
    if origin is not None:
        with transaction(con):
            con.execute(
                "delete from forecast.daily_forecasts where source = 'production' and origin_date < ?",
                [pd.Timestamp(origin).date() - timedelta(days=keep_days)],
            )
    return n


def store_backtest(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, created_at) -> int:
    return replace_table(con, "forecast.daily_forecasts", rows.assign(created_at=created_at), "source = 'backtest'")


def latest_origin(con: duckdb.DuckDBPyConnection) -> date | None:
    row = con.execute("select max(origin_date) from forecast.daily_forecasts where source = 'production'").fetchone()
    return row[0] if row else None


def spaced_origins(origins: list[date], newest: date, every_days: int, count: int) -> list[date]:
    """From `newest` back: each picked origin at least `every_days` before the previous one, at most `count`."""
    picked: list[date] = []
    for o in sorted((o for o in origins if o <= newest), reverse=True):
        if not picked or (picked[-1] - o).days >= every_days:
            picked.append(o)
            if len(picked) == count:
                break
    return picked


def read_book(
    con: duckdb.DuckDBPyConnection, m: DemandMatrix, origins: list[date], raw: bool = False
) -> dict[int, np.ndarray]:
    """Daily forecasts of the given origins as {day index in m: (n_sku, horizon)}; production rows win.
    raw: the model's own units, before calibration."""
    if not origins:
        return {}
    units = "units / calibration" if raw else "units"
    rows = con.execute(
        f"""select origin_date, sku_id, horizon, {units} as units from forecast.daily_forecasts
           where list_contains(?, origin_date)
           qualify row_number() over (partition by origin_date, sku_id, horizon
                                      order by source = 'production' desc, created_at desc) = 1""",
        [list(origins)],
    ).df()
    if rows.empty:
        return {}
    horizon = int(rows["horizon"].max())
    sku = pd.Index(m.skus).get_indexer(rows["sku_id"])
    keep = sku >= 0  # SKUs no longer in the demand history have nothing to learn from
    day = (pd.to_datetime(rows["origin_date"]) - pd.Timestamp(m.start)).dt.days.to_numpy()
    book = {}
    for d in np.unique(day[keep]):
        arr = np.full((len(m.skus), horizon), np.nan)
        sel = keep & (day == d)
        arr[sku[sel], rows["horizon"].to_numpy()[sel] - 1] = rows["units"].to_numpy()[sel]
        book[int(d)] = arr
    return book


def origin_dates(con: duckdb.DuckDBPyConnection) -> list[date]:
    return [r[0] for r in con.execute("select distinct origin_date from forecast.daily_forecasts").fetchall()]
