"""`orderhub snapshot create|restore`: configuration snapshots (orderhub/snapshot.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from orderhub import snapshot as snapshots


@click.group()
def snapshot() -> None:
    """Archive the configuration that defines the flow (mappings, SQL models, quality suites and thresholds,
    schedules, sensors, resource settings without secrets), or verify an archive and put it back."""


@snapshot.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="folder for the archive (default $ORDERHUB_HOME/snapshots)",
)
def create(out: Path | None) -> None:
    """Write $ORDERHUB_HOME/snapshots/orderhub-config-<UTC>.tar.gz."""
    from pipelines.flowconfig import describe_flow

    path = snapshots.create(describe_flow(), out_dir=out)
    click.echo(f"snapshot written: {path}")


@snapshot.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="only show what would change")
@click.option("--prune", is_flag=True, help="also delete in-scope files the snapshot does not have")
def restore(path: Path, dry_run: bool, prune: bool) -> None:
    """Verify the archive's manifest and rewrite the files that differ; prints what changed."""
    from pipelines.flowconfig import describe_flow

    try:
        report = snapshots.restore(path, dry_run=dry_run, prune=prune, live_flow=describe_flow())
    except snapshots.SnapshotError as exc:
        click.echo(f"restore refused: {exc}", err=True)
        sys.exit(2)
    click.echo(("dry run: " if dry_run else "restored: ") + "\n".join(report.lines()))
