"""`orderhub warehouse info|snapshots|maintain|convert`: the warehouse backend (ORDERHUB_WAREHOUSE)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from orderhub import lake, settings
from orderhub import warehouse as wh


@click.group()
def warehouse() -> None:
    """The warehouse ORDERHUB_WAREHOUSE selects: duckdb:///PATH (default $ORDERHUB_HOME/warehouse.duckdb),
    ducklake:sqlite:///CATALOG?data=DIR, or ducklake:postgres://USER@HOST:PORT/DB?data=s3://BUCKET/PREFIX."""


@warehouse.command()
def info() -> None:
    """Backend, where analysts read, and (for a lake) snapshots and file counts."""
    from orderhub import analysts

    target = settings.warehouse_target()
    click.echo(f"warehouse       {lake.parse(target).display if lake.is_lake(target) else target}")
    click.echo(f"backend         {'DuckLake' if lake.is_lake(target) else 'DuckDB file'}")
    click.echo(f"analysts read   {analysts.describe()}")
    if lake.is_lake(target):
        from orderhub.maintenance import file_stats

        con = wh.connect(read_only=True)
        try:
            s = file_stats(con)
            (snap,) = con.execute(f"select id from {lake.ALIAS}.current_snapshot()").fetchone()
        finally:
            con.close()
        click.echo(f"snapshot        {snap} ({s.snapshots} kept)")
        click.echo(f"data files      {s.live_files} live, {s.delete_files} delete files, {s.tracked_files} tracked")


@warehouse.command()
@click.option("--limit", type=int, default=20, show_default=True)
def snapshots(limit: int) -> None:
    """The lake's latest snapshots (id, time, what changed): ids and times for `orderhub sql --snapshot/--at`."""
    from cli.sql import render_table
    from orderhub import analysts

    if not lake.is_lake(settings.warehouse_target()):
        click.echo("a DuckDB file keeps no snapshots; set ORDERHUB_WAREHOUSE=ducklake:… for time travel", err=True)
        sys.exit(2)
    con = analysts.connect()
    try:
        rows = con.execute(
            f"select snapshot_id, snapshot_time, changes from {lake.ALIAS}.snapshots() order by snapshot_id desc "
            f"limit {int(limit)}"
        ).fetchall()
    finally:
        con.close()
    click.echo(render_table(["snapshot_id", "snapshot_time (UTC)", "changes"], rows))


@warehouse.command()
def maintain() -> None:
    """Merge small files, expire old snapshots, remove unreferenced files (lake); apply the archive retention."""
    import logging

    from orderhub.maintenance import maintain as run

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    con = wh.connect()
    try:
        result = run(con, logging.getLogger("orderhub.maintenance"))
    finally:
        con.close()
    click.echo(f"maintenance done in {result.seconds:.1f} s")


@warehouse.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--duckdb-python",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="a Python with DuckDB 2.x to read the old file (default: a temporary environment from the package index)",
)
def convert(path: Path | None, duckdb_python: Path | None) -> None:
    """Convert a warehouse file written by OrderHub's previous release (DuckDB 2.0.1) so DuckDB 1.5.5 opens it.

    PATH defaults to the configured DuckDB file; its published read-only copy is converted too. The original
    is kept as PATH.duckdb201."""
    from orderhub.convert import ConversionError, convert, readable

    target = settings.warehouse_target()
    if path is None and lake.is_lake(target):
        raise click.UsageError("ORDERHUB_WAREHOUSE is a lake: give the PATH of the DuckDB file to convert")
    paths = [path] if path else [Path(wh.file_path(target)), settings.paths().warehouse_readonly]
    todo = [p for p in paths if p.exists() and not readable(p)]
    if not todo:
        click.echo("nothing to convert: " + ", ".join(f"{p} ({'readable' if p.exists() else 'absent'})" for p in paths))
        return
    for p in todo:
        try:
            done = convert(p, duckdb_python, log=click.echo)
        except ConversionError as exc:
            click.echo(f"orderhub warehouse convert: {exc}", err=True)
            sys.exit(1)
        click.echo(
            f"converted {done.path}: {done.tables} tables, {done.rows:,} rows (read with DuckDB {done.converter}); "
            f"original kept as {done.backup}"
        )


@warehouse.command(name="move-to")
@click.argument("url")
@click.option(
    "--from",
    "source",
    type=click.Path(dir_okay=False, path_type=Path),
    help="the DuckDB file to move (default: the one ORDERHUB_WAREHOUSE or $ORDERHUB_HOME names)",
)
def move_to(url: str, source: Path | None) -> None:
    """Copy a DuckDB-file warehouse (and its protected store) into a new lake at URL, e.g.
    'ducklake:sqlite:///srv/orderhub/lake/catalog.sqlite?data=/srv/orderhub/lake/data'. Stop the pipeline
    first; the file is only read and kept. Then set ORDERHUB_WAREHOUSE=URL."""
    from orderhub.relocate import MoveError, move

    target = settings.warehouse_target()
    if source is None:
        if lake.is_lake(target):
            raise click.UsageError("ORDERHUB_WAREHOUSE is already a lake: give the file with --from PATH")
        source = Path(wh.file_path(target))
    try:
        moved = move(source, url, log=click.echo)
    except MoveError as exc:
        click.echo(f"orderhub warehouse move-to: {exc}", err=True)
        sys.exit(1)
    click.echo(
        f"moved {moved.tables} tables, {moved.rows:,} rows and {moved.personal_values:,} personal values into "
        f"{lake.parse(url).display}\nnow: export ORDERHUB_WAREHOUSE='{url}'"
    )
