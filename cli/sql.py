"""`orderhub sql QUERY`: the analysts' read-only entry point (orderhub/analysts.py), on either backend."""

from __future__ import annotations

import json
import sys
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

import click

from orderhub.settings import BUSINESS_TZ


def _width(text: str) -> int:
    """Terminal columns: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cell(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return value.replace("\n", " ")
    return str(value)


def render_table(columns: list[str], rows: list[tuple], max_width: int = 60) -> str:
    cells = [[_cell(v) for v in row] for row in rows]
    cells = [[c if _width(c) <= max_width else c[: max_width - 1] + "…" for c in row] for row in cells]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(columns)]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths)).rstrip()

    out = [line(columns), line(["-" * w for w in widths])] + [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def _json_default(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def parse_at(text: str) -> datetime:
    """ISO date-time; without an offset it is Beijing business time (like the partitions)."""
    at = datetime.fromisoformat(text)
    return at if at.tzinfo else at.replace(tzinfo=ZoneInfo(BUSINESS_TZ))


@click.command()
@click.argument("query", required=False)
@click.option("--json", "as_json", is_flag=True, help="print the rows as a JSON list of objects")
@click.option(
    "--at",
    "at",
    metavar="TIME",
    help="the warehouse as it was then (lake only): ISO time, e.g. '2026-12-05 10:00' (Beijing) or "
    "'2026-12-05T02:00:00+00:00'",
)
@click.option(
    "--snapshot", type=int, help="the warehouse as of this lake snapshot id (see orderhub warehouse snapshots)"
)
@click.option("--attach-sql", is_flag=True, help="print how a plain DuckDB client opens the same view, and exit")
def sql(query: str | None, as_json: bool, at: str | None, snapshot: int | None, attach_sql: bool) -> None:
    """Run QUERY on the analysts' read-only view: the live lake, or the published copy of a DuckDB file.

    It exposes exactly what analysts may see (no personal data: that lives in the protected store, which this
    never opens). Examples:

      orderhub sql "select channel, count(*) from hub.orders group by all"

      orderhub sql --at '2026-12-05 10:00' "select count(*) from hub.orders"
    """
    from orderhub import analysts

    if attach_sql:
        click.echo("\n".join(analysts.attach_sql()))
        return
    if not query:
        raise click.UsageError("give a QUERY (or --attach-sql)")
    try:
        con = analysts.connect(at=parse_at(at) if at else None, snapshot=snapshot)
    except (analysts.ViewUnavailable, ValueError) as exc:
        click.echo(f"orderhub sql: {exc}", err=True)
        sys.exit(2)
    try:
        cur = con.execute(query)
        columns = [d[0] for d in cur.description] if cur.description else []
        rows = cur.fetchall() if columns else []
    except Exception as exc:  # noqa: BLE001 - any DuckDB error is the analyst's to read, not a traceback
        click.echo(f"orderhub sql: {' '.join(str(exc).split())}", err=True)
        sys.exit(1)
    finally:
        con.close()
    if as_json:
        click.echo(json.dumps([dict(zip(columns, r)) for r in rows], ensure_ascii=False, default=_json_default))
    else:
        click.echo(render_table(columns, rows))
