"""`orderhub replenishment list|loop`: what purchasing is asked to order, and how the policy fared in the replay.

Both read the warehouse (read-only) that the forecast job wrote: `list` the suggestions of one day, most urgent
first (expected stock-out date without the order, then days of cover), as in the purchasing export; `loop` the
latest closed-loop run of forecast.replenishment_loop (OrderHub's policy against the textbook baselines).
"""

from __future__ import annotations

import json
import sys

import click
import duckdb

LIST_SQL = """
select sku_id, category, suggested_qty, round(days_of_cover, 1) as days_of_cover, stockout_date, surge,
       round(safety_stock) as safety_stock, available, on_order, lead_time_days, post_status, reason
from forecast.replenishment_suggestions
where suggestion_date = ? and post_status <> 'superseded'
order by stockout_date nulls last, days_of_cover nulls last, sku_id
"""
LOOP_SQL = """
select lead_time_days, policy, round(service_level, 4) as service_level, round(fill_rate, 4) as fill_rate,
       round(inventory_days, 1) as inventory_days, stockout_sku_days, orders, units_bought, first_day, last_day
from forecast.replenishment_loop
where run_at = (select max(run_at) from forecast.replenishment_loop)
order by lead_time_days, policy like '%@matched', policy
"""


def _query(sql: str, params: list) -> tuple[list[str], list[tuple]]:
    from orderhub import warehouse as wh

    try:
        con = wh.connect(read_only=True)
    except (duckdb.Error, OSError) as exc:  # no warehouse yet, or another process holds it: say so
        click.echo(f"cannot open the warehouse: {exc}", err=True)
        sys.exit(2)
    try:
        cur = con.execute(sql, params)
        return [d[0] for d in cur.description], cur.fetchall()
    finally:
        con.close()


def _show(columns: list[str], rows: list[tuple], as_json: bool) -> None:
    if as_json:
        for row in rows:
            click.echo(json.dumps(dict(zip(columns, row)), default=str, ensure_ascii=False))
        return
    from cli.sql import render_table

    click.echo(render_table(columns, rows, max_width=90))


@click.group()
def replenishment() -> None:
    """Purchase suggestions and the closed-loop replay (tables of the `forecast` Dagster group)."""


@replenishment.command("list")
@click.option("--date", "day", default=None, help="suggestion day YYYY-MM-DD (default: the latest)")
@click.option("--limit", type=int, default=50, show_default=True, help="rows shown (0 = all)")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per line")
def list_(day: str | None, limit: int, as_json: bool) -> None:
    """Every SKU whose projected position falls below its safety stock, most urgent first."""
    if day is None:
        _, rows = _query("select max(suggestion_date) from forecast.replenishment_suggestions", [])
        day = rows[0][0]
        if day is None:
            click.echo("no suggestions yet: run the forecast job (orderhub demo, or forecast_daily)", err=True)
            sys.exit(1)
    columns, rows = _query(LIST_SQL, [str(day)])
    if not as_json:
        click.echo(f"{len(rows)} suggestions for {day}, most urgent first")
    _show(columns, rows[:limit] if limit else rows, as_json)


@replenishment.command()
@click.option("--json", "as_json", is_flag=True, help="one JSON object per line")
def loop(as_json: bool) -> None:
    """The latest closed-loop replay: fill rate and days of inventory per policy and lead time."""
    columns, rows = _query(LOOP_SQL, [])
    if not rows:
        click.echo("no closed-loop run yet: materialize forecast/replenishment_loop", err=True)
        sys.exit(1)
    _show(columns, rows, as_json)
