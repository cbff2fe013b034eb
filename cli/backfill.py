"""`orderhub backfill --from D --to D`: rebuild the hub order model for a range of order dates."""

from __future__ import annotations

import sys
from datetime import date, datetime

import click

from cli.env import prepare
from cli.runs import console, exit_code, one_command_at_a_time, report, run_job

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def partition_bounds() -> tuple[str, str]:
    from assets.partitions import order_date_partitions

    keys = order_date_partitions.get_partition_keys()
    return keys[0], keys[-1]


def check_range(start: date, end: date) -> tuple[str, str]:
    first, last = partition_bounds()
    a, b = start.isoformat(), end.isoformat()
    if a > b:
        raise click.BadParameter(f"--from {a} is after --to {b}", param_hint="--from/--to")
    if b < first or a > last:
        raise click.BadParameter(
            f"{a}..{b} is outside the order-date partitions {first}..{last} (first day: ORDERHUB_START_DATE)",
            param_hint="--from/--to",
        )
    if a < first or b > last:
        console.print(f"[yellow]note:[/] clamped to the partitions that exist: {max(a, first)}..{min(b, last)}")
    return max(a, first), min(b, last)


def _day(ctx, param, value: datetime | None) -> date | None:
    return value.date() if value else None


@click.command()
@click.option(
    "--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]), callback=_day, help="first order date"
)
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]), callback=_day, help="last order date")
def backfill(start: date, end: date) -> None:
    """Rebuild hub.orders, hub.order_lines and hub.order_status_history for the order dates FROM..TO (Beijing
    business days) from raw.channel_orders, as one run with its blocking checks judged per day.

    Runs through the Dagster instance in DAGSTER_HOME (default $ORDERHUB_HOME/dagster_home), so the run, its
    partitions and check results show in the UI. Waits for the run. Exit code 0 = success, 3 = a day failed a
    blocking check (named below; downstream work stays held until it passes), 1 = any other failure."""
    prepare(needs_salt=True)
    first, last = check_range(start, end)
    with one_command_at_a_time("backfill"):
        outcome = run_job(
            "hub_rebuild_job", title=f"hub {first}..{last}", tags={RANGE_START_TAG: first, RANGE_END_TAG: last}
        )
    days = (date.fromisoformat(last) - date.fromisoformat(first)).days + 1
    orders = outcome.metadata.get("hub.orders", {}).get("run_orders")
    what = f"hub rebuilt for {first}..{last} ({days} day(s)" + (f", {orders:,} orders)" if orders is not None else ")")
    failing = sorted({c.split("@")[1] for c in outcome.checks_failed if "@" in c})
    if failing:
        outcome.held = True
    report(outcome, what=what)
    if failing:
        more = f" and {len(failing) - 10} more" if len(failing) > 10 else ""
        console.print(f"    days that failed a blocking check: {', '.join(failing[:10])}{more} (orderhub status)")
    sys.exit(exit_code(outcome))
