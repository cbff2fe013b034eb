"""Write the dashboard as one self-contained HTML file: plotly.js is inlined, so it opens offline."""

from __future__ import annotations

import html
import os
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from plotly.offline import get_plotlyjs

from orderhub.dashboard import charts
from orderhub.dashboard.data import DashboardData
from orderhub.dashboard.tiles import tiles

CSS = """
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;
  margin:24px;background:#f6f7f9;color:#222}
h1{margin:0 0 4px} .sub{color:#666;margin-bottom:16px}
.tiles{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:20px}
.tile{flex:1 1 160px;border-radius:8px;padding:12px 14px;color:#fff;min-width:160px}
.tile .l{font-size:13px;opacity:.9} .tile .v{font-size:28px;font-weight:600} .tile .t{font-size:12px;opacity:.9}
.good{background:#1e8e3e} .warn{background:#e8a500} .bad{background:#d93025} .none{background:#7a808a}
section{background:#fff;border-radius:8px;padding:12px 16px;margin-bottom:16px;box-shadow:0 1px 2px #0001}
.empty{padding:28px;text-align:center;color:#666;border:2px dashed #ccd;border-radius:8px;background:#fafbfc}
table{border-collapse:collapse;width:100%;font-size:13px} th,td{padding:4px 8px;border-bottom:1px solid
#eee;text-align:left}
th{background:#f0f2f5}
"""


def _empty(message: str) -> str:
    return f'<div class="empty">No data yet — {html.escape(message)}</div>'


def _table(frame: pd.DataFrame, columns: list[str], empty: str) -> str:
    if frame.empty:
        return _empty(empty)
    return frame[[c for c in columns if c in frame.columns]].to_html(index=False, border=0, na_rep="", escape=True)


def _service(frame: pd.DataFrame) -> str:
    """The closed loop's fill rate and days of inventory per policy, under the forecast's accuracy."""
    if frame.empty:
        return _empty("the closed loop has not run yet (materialize forecast/replenishment_loop).")
    first = frame.iloc[0]
    acc = (
        f"Forecast on weekly totals (latest backtest): WAPE {first['model_wape']:.3f} vs "
        f"{first['seasonal_naive_wape']:.3f} for same-as-last-week; bias {first['model_bias']:+.1%}. "
        if pd.notna(first.get("model_wape")) and pd.notna(first.get("model_bias"))
        else "No backtest yet. "
    )
    shown = frame.assign(
        fill_rate=(frame["fill_rate"] * 100).round(1).astype(str) + " %",
        inventory_days=frame["inventory_days"].round(1),
    )
    cols = ["lead_time_days", "policy", "service_level", "fill_rate", "inventory_days", "stockout_sku_days"]
    span = f"Replayed {first['first_day']} .. {first['last_day']}: fill rate = share of demand served from stock. "
    note = (
        f'<p class="sub">{html.escape(acc + span)}"@matched" = that policy at the service level that matches ours.</p>'
    )
    return note + _table(shown, cols, "")


def render_html(data: DashboardData, generated_at: datetime | None = None) -> tuple[str, list[str]]:
    """The page, and the ids of the charts it draws (the rest show an empty state)."""
    generated_at = generated_at or datetime.now(UTC)
    tile_html = "".join(
        f'<div class="tile {t.status}" data-kpi="{t.key}"><div class="l">{html.escape(t.label)}</div>'
        f'<div class="v">{html.escape(t.text)}</div><div class="t">{html.escape(t.target_text)}</div></div>'
        for t in tiles(data)
    )
    drawn, sections = [], []
    empties = {
        "daily_trends": "no KPI rows yet (build kpi.daily_fulfilment).",
        "orders_by_channel": "no orders yet.",
        "backlog": "nothing is waiting right now.",
        "heatmap": "no paid orders in the last 28 days.",
        "breach_stages": "no order broke the SLA in the last 14 days.",
    }
    for name, fig in charts.all_charts(data).items():
        if fig is None:
            body = _empty(empties[name])
        else:
            drawn.append(name)
            body = fig.to_html(
                full_html=False,
                include_plotlyjs=False,
                div_id=f"chart-{name}",
                config={"displaylogo": False, "responsive": True},
            )
        sections.append(f'<section data-chart="{name}">{body}</section>')
    stock = _table(
        data["stock_outs"],
        [
            "sku_id",
            "sku_title",
            "category",
            "warehouse_id",
            "available",
            "available_all_warehouses",
            "units_waiting",
            "orders_waiting",
        ],
        "no stock-outs (or inventory not synced yet).",
    )
    repl = _table(
        data["replenishment"],
        [
            "suggestion_rank",
            "sku_id",
            "sku_title",
            "category",
            "days_of_cover",
            "stockout_date",
            "suggested_qty",
            "reason",
        ],
        "no replenishment suggestions yet.",
    )
    service = _service(data["replenishment_service"])
    recon = _table(
        data["reconciliation"],
        [
            "channel",
            "shop_id",
            "recon_source",
            "first_day",
            "last_day",
            "days_checked",
            "days_matched",
            "missing_in_hub",
            "missing_in_source",
            "amount_mismatch",
            "status_mismatch",
            "in_flight",
        ],
        "no reconciliation has run yet.",
    )
    alerts = _table(
        data["alerts"], ["severity", "kind", "asset", "message", "opened_beijing", "delivery_status"], "no open alerts."
    )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OrderHub operations dashboard</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{CSS}</style>
<script type="text/javascript">{get_plotlyjs()}</script>
</head><body>
<h1>OrderHub operations</h1>
<div class="sub">Generated {generated_at:%Y-%m-%d %H:%M} UTC · tiles: paid orders of the current business day so far,
KPIs of the last complete day (date on each tile)</div>
<div class="tiles">{tile_html}</div>
<section data-table="alerts"><h3>Open alerts (errors first)</h3>{alerts}</section>
{"".join(sections)}
<section data-table="stock_outs"><h3>Current stock-outs (worst first)</h3>{stock}</section>
<section data-table="replenishment"><h3>Top replenishment suggestions</h3>{repl}</section>
<section data-table="replenishment_service"><h3>Purchasing policy replayed on past sales (closed loop), beside
forecast accuracy</h3>{service}</section>
<section data-table="reconciliation"><h3>Dual-run reconciliation: hub vs the old way (last 7 days)</h3>{recon}
<p class="sub">Order-level differences: <code>ops.reconciliation_diffs</code>.</p></section>
</body></html>
"""
    return page, drawn


def write_dashboard(data: DashboardData, path: str | Path) -> tuple[Path, list[str]]:
    """Write atomically, so a browser refreshing mid-run never sees half a page."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    page, drawn = render_html(data)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, path)
    return path, drawn
