"""hub.orders: one row per channel order. Blocking rules protect everything downstream (KPIs, fulfilment,
forecast); the volume rule warns when a channel suddenly sells far more or less than usual (a broken
connector looks like a sales drop)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from orderhub.settings import BUSINESS_TZ
from quality.framework import Rule, TableSuite, Window
from quality.ge import gxe
from resources.quality_settings import QualitySettings

STATUSES = ["pending_payment", "paid", "shipped", "completed", "cancelled", "refunded"]
KEYS = ("order_id", "channel", "shop_id", "channel_order_id", "status", "order_date", "created_at")
MONEY = ("total_fen", "discount_fen", "freight_fen", "paid_fen")


def _promotion_sql(column: str, windows: list[str]) -> str:
    """'MM-DD..MM-DD' windows as a SQL predicate (validated, so inlining is safe)."""
    parts = []
    for w in windows:
        if not re.fullmatch(r"\d\d-\d\d\.\.\d\d-\d\d", w):
            raise ValueError(f"promotion window must look like '11-01..11-11', got {w!r}")
        start, end = w.split("..")
        parts.append(f"strftime({column}, '%m-%d') between '{start}' and '{end}'")
    return "(" + " or ".join(parts) + ")" if parts else "false"


def volume_frame(con: duckdb.DuckDBPyConnection, window: Window, s: QualitySettings) -> pd.DataFrame:
    """Orders per channel on each complete business day of the window vs the median of the same weekday over
    previous weeks. Weeks before the first order day are not counted (no data is not zero sales), nor are
    promotion days (618, Double 11, ...) in the baseline; on a promotion day only a drop is abnormal."""
    yesterday = datetime.now(ZoneInfo(BUSINESS_TZ)).date() - timedelta(days=1)  # today is still filling up
    end = min(window.end, yesterday) if window.end else yesterday
    start = window.start if window.start and window.start <= end else end - timedelta(days=0 if window.end else 6)
    promo = _promotion_sql("g.compare_day", s.volume_promotion_windows)
    frame = con.execute(
        f"""
        with orders as (select channel, order_date from hub.orders),
        bounds as (select min(order_date) as first_day from orders),
        channels as (select distinct channel from orders
                     where order_date between ?::date - (7 * ?)::integer and ?::date),
        days as (select unnest(generate_series(?::date, ?::date, interval 1 day))::date as day),
        daily as (select channel, order_date as day, count(*) as orders from orders group by all),
        grid as (
            select c.channel, d.day, w.k as weeks_back, d.day - (7 * w.k)::integer as compare_day
            from channels c cross join days d cross join range(0, ? + 1) w(k)
        ),
        joined as (
            select g.*, coalesce(daily.orders, 0) as orders, {promo} as is_promotion
            from grid g cross join bounds b left join daily on daily.channel = g.channel and daily.day = g.compare_day
            where g.compare_day >= b.first_day
        )
        select channel, strftime(day, '%Y-%m-%d') as day,
            max(orders) filter (where weeks_back = 0) as orders,
            median(orders) filter (where weeks_back > 0 and not is_promotion) as baseline,
            count(*) filter (where weeks_back > 0 and not is_promotion) as weeks_compared,
            coalesce(bool_or(is_promotion) filter (where weeks_back = 0), false) as is_promotion_day
        from joined group by channel, day order by channel, day
        """,
        [start, s.volume_weeks, end, start, end, s.volume_weeks],
    ).df()
    judged = (frame["baseline"] >= s.volume_min_baseline) & (frame["weeks_compared"] >= s.volume_min_weeks)
    ratio = (frame["orders"] / frame["baseline"]).where(judged)
    return frame.assign(ratio=ratio.where(~frame["is_promotion_day"].astype(bool), ratio.clip(upper=1.0)))


SUITE = TableSuite(
    table="hub.orders",
    partition_column="order_date",
    key_columns=("order_id",),
    rules=(
        Rule(
            "order_id_unique",
            "Each order appears once: duplicates would double-count sales and ship twice.",
            blocking=True,
            columns=("order_id",),
            expectations=lambda s, f: [gxe.ExpectColumnValuesToBeUnique(column="order_id")],
        ),
        Rule(
            "keys_not_null",
            "Identity, channel, status and dates are always present.",
            blocking=True,
            columns=KEYS,
            expectations=lambda s, f: [gxe.ExpectColumnValuesToNotBeNull(column=c) for c in KEYS],
        ),
        Rule(
            "status_valid",
            f"Status is one of the hub's lifecycle states: {', '.join(STATUSES)}.",
            blocking=True,
            columns=("status",),
            sample_columns=("status",),
            expectations=lambda s, f: [gxe.ExpectColumnValuesToBeInSet(column="status", value_set=STATUSES)],
        ),
        Rule(
            "money_non_negative",
            "Goods total, discount, freight and paid amounts (fen) are never negative.",
            blocking=True,
            columns=MONEY,
            expectations=lambda s, f: [gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0) for c in MONEY],
        ),
        Rule(
            "timestamps_ordered",
            "An order is paid after it was created and shipped after it was paid.",
            blocking=True,
            columns=("created_at", "paid_at", "shipped_at"),
            expectations=lambda s, f: [
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="paid_at", column_B="created_at", or_equal=True, ignore_row_if="either_value_is_missing"
                ),
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="shipped_at", column_B="paid_at", or_equal=True, ignore_row_if="either_value_is_missing"
                ),
            ],
        ),
        Rule(
            "channel_volume_normal",
            "Warning: orders per channel and day within ±50% (volume_tolerance) of the median of the same weekday "
            "over the previous volume_weeks weeks (at least volume_min_weeks of non-promotion history). On "
            "promotion days (volume_promotion_windows) only drops warn. Judges complete business days of the "
            "materialized window (else yesterday).",
            blocking=False,
            frame=volume_frame,
            sample_columns=("channel", "day", "orders", "baseline", "ratio", "is_promotion_day"),
            expectations=lambda s, f: [
                gxe.ExpectColumnValuesToBeBetween(
                    column="ratio", min_value=1 - s.volume_tolerance, max_value=1 + s.volume_tolerance
                )
            ],
        ),
    ),
)
