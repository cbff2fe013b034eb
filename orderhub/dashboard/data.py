"""Read what the dashboard shows from the KPI tables; a table that is missing or empty is "no data yet"."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

QUERIES = {
    "daily": "select * from kpi.daily_fulfilment order by order_day, channel",
    "backlog": "select * from kpi.channel_backlog order by channel, backlog_state",
    "heatmap": "select * from kpi.hourly_heatmap order by weekday, hour_of_day",
    "breach_stages": """
        select order_date, waited_stage, count(*) as orders
        from kpi.sla_breaches
        where order_date >= (select max(order_date) - 13 from kpi.sla_breaches)
        group by order_date, waited_stage
        order by order_date, waited_stage""",
    "stock_outs": "select * from kpi.stock_outs limit 20",
    "replenishment": "select * from kpi.replenishment_top order by suggestion_rank limit 20",
    "replenishment_service": "select * from kpi.replenishment_service order by lead_time_days, policy",
    "reconciliation": "select * from kpi.reconciliation_summary",
    "targets": "select * from stg.stg_kpi_targets",
    # What on-call is looking at right now: open problems, errors first (ops.alerts exists from the first run).
    "alerts": """
        select severity, kind, asset, left(message, 160) as message,
            strftime(timezone('Asia/Shanghai', created_at), '%Y-%m-%d %H:%M') as opened_beijing, delivery_status
        from ops.alerts
        where resolved_at is null and kind <> 'recovered'
        order by case severity when 'error' then 0 when 'warning' then 1 else 2 end, created_at desc
        limit 20""",
}


@dataclass
class DashboardData:
    frames: dict[str, pd.DataFrame]
    missing: dict[str, str] = field(default_factory=dict)  # frame name → why it is empty (e.g. table not built)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    @property
    def overall(self) -> pd.DataFrame:
        daily = self.frames["daily"]
        return daily[daily["channel"] == "all"].reset_index(drop=True) if not daily.empty else daily

    def latest(self, column: str, complete_days_only: bool = True) -> tuple[float | None, str]:
        """The most recent non-null value of an 'all channels' KPI column, with its day (YYYY-MM-DD).

        Rates of the day still in progress swing wildly (a morning's orders per operator), so by default
        the newest day is used only when no earlier day has a value."""
        rows = self.overall
        if rows.empty or column not in rows:
            return None, ""
        rows = rows[rows[column].notna()]
        complete = rows[rows["order_day"] < self.overall["order_day"].max()]
        if complete_days_only and not complete.empty:
            rows = complete  # else only the day in progress has a value: better than nothing
        if rows.empty:
            return None, ""
        last = rows.iloc[-1]
        return float(last[column]), f"{last['order_day']:%Y-%m-%d}"

    def latest_day(self) -> pd.Series | None:
        """The most recent business day with orders, for the tiles."""
        rows = self.overall
        rows = rows[rows["orders"] > 0] if not rows.empty else rows
        return None if rows.empty else rows.iloc[-1]


def load(con: duckdb.DuckDBPyConnection) -> DashboardData:
    frames, missing = {}, {}
    for name, sql in QUERIES.items():
        try:
            frames[name] = con.execute(sql).df()
        except duckdb.CatalogException as err:
            # Before the first KPI run the tables do not exist: show an empty state, do not crash.
            frames[name] = pd.DataFrame()
            missing[name] = str(err).splitlines()[0]
    return DashboardData(frames, missing)
