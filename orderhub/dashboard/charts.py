"""Plotly figures for the dashboard; each returns None when there is nothing to draw yet."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from orderhub.dashboard.data import DashboardData

LAYOUT = dict(template="plotly_white", margin=dict(l=50, r=20, t=50, b=40), height=420)


def daily_trends(data: DashboardData) -> go.Figure | None:
    rows = data.overall
    if rows.empty or data["targets"].empty:
        return None
    t = data["targets"].iloc[0]
    fig = make_subplots(
        rows=2,
        cols=2,
        subplot_titles=(
            "Paid → shipment task (minutes)",
            "Shipping errors (‰ of shipped)",
            "API success rate (%)",
            "Orders per operator vs baseline (%)",
        ),
    )
    x = rows["order_day"]
    fig.add_trace(go.Scatter(x=x, y=rows["p50_minutes_to_task"], name="p50", mode="lines+markers"), 1, 1)
    fig.add_trace(go.Scatter(x=x, y=rows["p90_minutes_to_task"], name="p90", mode="lines+markers"), 1, 1)
    fig.add_hline(y=float(t["sla_target_minutes"]), line_dash="dash", line_color="red", row=1, col=1)
    fig.add_trace(go.Scatter(x=x, y=rows["shipping_error_permille"], name="errors ‰", mode="lines+markers"), 1, 2)
    fig.add_hline(y=float(t["shipping_error_target_permille"]), line_dash="dash", line_color="red", row=1, col=2)
    fig.add_trace(go.Scatter(x=x, y=rows["api_success_rate"] * 100, name="API %", mode="lines+markers"), 2, 1)
    fig.add_hline(y=float(t["api_success_target"]) * 100, line_dash="dash", line_color="red", row=2, col=1)
    fig.add_trace(
        go.Scatter(x=x, y=rows["orders_per_operator_change"] * 100, name="vs baseline %", mode="lines+markers"), 2, 2
    )
    fig.add_hline(y=float(t["productivity_change_target"]) * 100, line_dash="dash", line_color="red", row=2, col=2)
    fig.update_layout(**{**LAYOUT, "height": 620}, title="Daily trends (all channels; dashed = target)")
    return fig


def orders_by_channel(data: DashboardData) -> go.Figure | None:
    daily = data["daily"]
    rows = daily[daily["channel"] != "all"] if not daily.empty else daily
    if rows.empty:
        return None
    fig = go.Figure()
    for channel, part in rows.groupby("channel"):
        fig.add_trace(go.Bar(x=part["order_day"], y=part["paid_orders"], name=str(channel)))
    overall = data.overall
    fig.add_trace(
        go.Scatter(
            x=overall["order_day"],
            y=overall["sla_breaches"],
            name="SLA breaches",
            mode="lines+markers",
            line=dict(color="red"),
        )
    )
    fig.update_layout(**LAYOUT, barmode="stack", title="Paid orders per day by channel, and SLA breaches")
    return fig


def backlog(data: DashboardData) -> go.Figure | None:
    rows = data["backlog"]
    if rows.empty:
        return None
    fig = go.Figure()
    for state, part in rows.groupby("backlog_state"):
        fig.add_trace(
            go.Bar(
                x=part["channel"],
                y=part["orders_waiting"],
                name=str(state),
                customdata=part["oldest_wait_minutes"],
                hovertemplate="%{x}: %{y} orders, oldest %{customdata:.0f} min<extra></extra>",
            )
        )
    fig.update_layout(**LAYOUT, barmode="stack", title="Orders waiting now, by channel and step")
    return fig


def heatmap(data: DashboardData) -> go.Figure | None:
    rows = data["heatmap"]
    if rows.empty or rows["paid_orders"].sum() == 0:
        return None
    grid = rows.pivot(index="weekday", columns="hour_of_day", values="avg_minutes_to_task").sort_index()
    names = rows.drop_duplicates("weekday").set_index("weekday")["weekday_name"]
    fig = go.Figure(
        go.Heatmap(
            z=grid.values,
            x=list(grid.columns),
            y=[names[w] for w in grid.index],
            colorscale="YlOrRd",
            colorbar=dict(title="min"),
            hovertemplate="%{y} %{x}:00 → %{z:.1f} min<extra></extra>",
        )
    )
    fig.update_layout(**LAYOUT, title="Average paid → task delay by weekday and hour (Beijing time, last 28 days)")
    fig.update_yaxes(autorange="reversed")
    return fig


def breach_stages(data: DashboardData) -> go.Figure | None:
    rows = data["breach_stages"]
    if rows.empty:
        return None
    fig = go.Figure()
    for stage, part in rows.groupby("waited_stage"):
        fig.add_trace(go.Bar(x=part["order_date"], y=part["orders"], name=str(stage)))
    fig.update_layout(**LAYOUT, barmode="stack", title="SLA breaches by the step where the time went (last 14 days)")
    return fig


def all_charts(data: DashboardData) -> dict[str, go.Figure | None]:
    return {
        "daily_trends": daily_trends(data),
        "orders_by_channel": orders_by_channel(data),
        "backlog": backlog(data),
        "heatmap": heatmap(data),
        "breach_stages": breach_stages(data),
    }
