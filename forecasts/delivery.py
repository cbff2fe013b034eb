"""Store, post, export and announce the day's purchase suggestions (Dagster-free).

Posting and "already on order":
- today's suggestions are stored as 'pending', then posted to the ERP in one batch;
- accepted -> rows become 'accepted' and each line opens a forecast.purchase_orders row that counts as
  "on order" until ordered_on + lead time (no goods-receipt feed exists, so arrival = lead time passed);
- failed -> rows become 'failed' with the error; the run still succeeds. A re-run the same day re-posts
  them; the next day's run marks leftovers 'superseded' and, since no purchase order was opened, the need
  is still there and is suggested and posted again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from forecasts.export import write_exports
from forecasts.suggestions import SUGGESTION_COLUMNS
from forecasts.warehouse_io import replace_table
from orderhub.alerts import raise_alert
from orderhub.calllog import CallLog
from orderhub.transaction import transaction
from orderhub.upsert import insert_or_replace


@dataclass
class PostResult:
    """What the purchasing intake answered to one post of suggestions."""

    ok: bool
    batch_id: str | None = None
    accepted: int = 0
    error: str | None = None


Poster = Callable[[str, list[dict]], PostResult]
ASSET = "forecast/replenishment_suggestions"


def _ids(day: date, skus: pd.Series, now: datetime) -> list[str]:
    return [hashlib.sha256(f"{day}|{s}|{now.isoformat()}".encode()).hexdigest()[:24] for s in skus]


def store(con: duckdb.DuckDBPyConnection, day: date, suggestions: pd.DataFrame, now: datetime) -> int:
    """Replace today's not-yet-accepted rows with the new suggestions; supersede older unsent ones."""
    rows = suggestions[SUGGESTION_COLUMNS].copy()
    rows.insert(0, "suggestion_date", day)
    rows.insert(0, "suggestion_id", _ids(day, rows["sku_id"], now))
    rows["post_status"], rows["created_at"] = "pending", now
    with transaction(con):
        con.execute(
            "update forecast.replenishment_suggestions set post_status = 'superseded'"
            " where suggestion_date < ? and post_status in ('pending', 'failed')",
            [day],
        )
    return replace_table(
        con, "forecast.replenishment_suggestions", rows, "suggestion_date = ? and post_status <> 'accepted'", [day]
    )


def post_pending(con: duckdb.DuckDBPyConnection, day: date, poster: Poster, calls: CallLog, now: datetime) -> dict:
    pending = con.execute(
        "select suggestion_id, sku_id, suggested_qty as quantity, reason, lead_time_days"
        " from forecast.replenishment_suggestions where suggestion_date = ? and post_status in ('pending', 'failed')"
        " order by sku_id",
        [day],
    ).df()
    if pending.empty:
        return {"posted": 0, "post_ok": True}
    lines = [{"sku_id": r.sku_id, "quantity": int(r.quantity), "reason": r.reason} for r in pending.itertuples()]
    result = poster(day.isoformat(), lines)
    with transaction(con):
        calls.flush(con)
        ids = pending["suggestion_id"].tolist()
        if result.ok:
            con.execute(
                "update forecast.replenishment_suggestions set post_status = 'accepted', batch_id = ?,"
                " posted_at = ?, post_error = null where list_contains(?, suggestion_id)",
                [result.batch_id, now, ids],
            )
            po = pending.assign(
                purchase_order_id=result.batch_id + ":" + pending["sku_id"],
                batch_id=result.batch_id,
                ordered_on=day,
                created_at=now,
                expected_arrival_date=[day + timedelta(days=int(n)) for n in pending["lead_time_days"]],
            )
            con.register("_po", po)
            insert_or_replace(
                con,
                "forecast.purchase_orders",
                ["purchase_order_id"],
                "select purchase_order_id, suggestion_id, batch_id, sku_id, quantity, ordered_on, lead_time_days,"
                " expected_arrival_date, created_at from _po",
                columns=[
                    "purchase_order_id",
                    "suggestion_id",
                    "batch_id",
                    "sku_id",
                    "quantity",
                    "ordered_on",
                    "lead_time_days",
                    "expected_arrival_date",
                    "created_at",
                ],  # fmt: skip
            )
            con.unregister("_po")
        else:
            con.execute(
                "update forecast.replenishment_suggestions set post_status = 'failed', post_error = ?"
                " where list_contains(?, suggestion_id)",
                [result.error, ids],
            )
    return {"posted": len(lines), "post_ok": result.ok, "batch_id": result.batch_id, "post_error": result.error}


def export_today(con: duckdb.DuckDBPyConnection, day: date, exports_dir: Path) -> tuple[Path, Path]:
    rows = con.execute(
        "select * from forecast.replenishment_suggestions where suggestion_date = ?"
        " and post_status <> 'superseded' order by category, sku_id",
        [day],
    ).df()
    return write_exports(rows, exports_dir, day)


def announce(con: duckdb.DuckDBPyConnection, day: date, new: pd.DataFrame, xlsx: Path, post: dict) -> bool:
    """One 'replenishment' alert per day and content (the notifier delivers pending alerts)."""
    if new.empty:
        return False
    listed = notice_lines(new)
    erp = "posted to ERP" if post.get("post_ok") else f"ERP post FAILED ({post.get('post_error')}), will retry"
    message = (
        f"{len(new)} new purchase suggestion(s) for {day}, {int(new['suggested_qty'].sum())} units "
        f"across {new['category'].nunique()} categories; {erp}. Top: {listed}. File: {xlsx.name}"
    )
    key = f"replenishment:{day}:{hashlib.sha256(','.join(sorted(new['sku_id'])).encode()).hexdigest()[:12]}"
    with transaction(con):
        return raise_alert(con, kind="replenishment", severity="info", message=message, dedupe_key=key, asset=ASSET)


def notice_lines(rows: pd.DataFrame, limit: int = 5) -> str:
    """The top of the list in words: most urgent first (stock-out date, days of cover) when the rows carry
    them (stock-aware suggestions), else the largest quantities."""
    if {"stockout_date", "days_of_cover", "surge"} <= set(rows.columns):
        top = (
            rows.assign(_out=pd.to_datetime(rows["stockout_date"]))
            .sort_values(["_out", "days_of_cover"], na_position="last")
            .head(limit)
        )
        return "; ".join(
            f"{r.sku_id} x{r.suggested_qty} (cover {r.days_of_cover:.0f} d, "
            f"{'out ' + str(r.stockout_date) if r.stockout_date is not None else 'no stock-out expected'}"
            f"{', surge' if r.surge else ''}): {r.reason}"
            for r in top.itertuples()
        )
    top = rows.sort_values("suggested_qty", ascending=False).head(limit)
    return ", ".join(f"{r.sku_id} x{r.suggested_qty}" for r in top.itertuples())


def deliver(
    con: duckdb.DuckDBPyConnection,
    day: date,
    suggestions: pd.DataFrame,
    exports_dir: Path,
    poster: Poster | None,
    calls: CallLog,
) -> dict:
    now = datetime.now(UTC)
    stored = store(con, day, suggestions, now)
    post = post_pending(con, day, poster, calls, now) if poster else {"posted": 0, "post_ok": None}
    xlsx, csv = export_today(con, day, exports_dir)
    alerted = announce(con, day, suggestions, xlsx, post)
    return {"stored": stored, **post, "xlsx": str(xlsx), "csv": str(csv), "alert_opened": alerted}
