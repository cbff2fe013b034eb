"""`orderhub ingest files`: land seller-center export files, then rebuild the hub days they touched."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from cli.env import prepare
from cli.runs import console, exit_code, one_command_at_a_time, report, run_job


@click.group()
def ingest() -> None:
    """Load order data into raw.channel_orders (and from there into the hub)."""


def _collect(paths: tuple[Path, ...], channel: str | None, landing: Path) -> list[Path]:
    from pipelines.ingest import dropped_files

    if not paths:
        return dropped_files(landing)
    out = []
    for p in paths:
        p = p.resolve()
        if p.parent.parent == landing.resolve():
            out.append(p)  # already in landing/<channel>/: the folder names the channel
            continue
        if not channel:
            raise click.UsageError(f"{p} is not in {landing}/<channel>/: say which channel it is with --channel")
        target = landing / channel / p.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(p, target)  # the landing copy is archived after loading; the original stays where it was
        out.append(target)
    return out


@ingest.command("files")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--channel", help="channel of PATHS outside the landing folder (its mapping reads them), e.g. taobao")
@click.option("--rebuild/--no-rebuild", default=True, show_default=True, help="rebuild the hub days they touched")
def files(paths: tuple[Path, ...], channel: str | None, rebuild: bool) -> None:
    """Land export files: PATHS, or every file dropped in $ORDERHUB_HOME/landing/<channel>/ (what the
    landing_files_sensor does in the UI). Each file is stored whole or rejected whole (archive/rejected/,
    with a quarantine row saying why); prints received = stored + deduplicated + quarantined. Then the hub
    is rebuilt for the order dates the new records touched. Exit code 1 when a file was rejected or a run
    failed, 3 when a rebuilt day failed a blocking check."""
    home = prepare(needs_salt=True)
    todo = _collect(paths, channel, home.landing)
    if not todo:
        console.print(f"nothing to load: no files in {home.landing}/<channel>/")
        return
    from pipelines.hub import clamp_to_partitions
    from pipelines.ingest import files_run_config

    with one_command_at_a_time("ingest files"):
        outcome = run_job(
            "ingest_files_job", title=f"land {len(todo)} file(s)", run_config=files_run_config([str(p) for p in todo])
        )
        md = outcome.metadata.get("raw.channel_orders", {})
        if md:
            console.print(
                f"    received {md.get('received', 0):,} = stored {md.get('stored', 0):,} + deduplicated "
                f"{md.get('deduplicated', 0):,} + quarantined {md.get('quarantined', 0):,}"
            )
            for path in (md.get("files") or {}).get("rejected", []):
                console.print(f"    [red]rejected[/] {path} (reason in hub.quarantine and the run log)")
        report(outcome, what=f"landed {len(todo)} file(s)")
        rejected = bool((md.get("files") or {}).get("rejected"))
        if not outcome.success or not rebuild:
            sys.exit(1 if rejected else exit_code(outcome))
        from assets.partitions import order_date_partitions

        span = md.get("touched_start"), md.get("touched_end")
        clamped = clamp_to_partitions(*span, order_date_partitions.get_partition_keys()) if all(span) else None
        if clamped is None:
            console.print("    no order date of the partitions was touched: no hub rebuild needed")
            sys.exit(1 if rejected else 0)
        tags = {"dagster/asset_partition_range_start": clamped[0], "dagster/asset_partition_range_end": clamped[1]}
        hub = run_job("hub_rebuild_job", title=f"hub {clamped[0]}..{clamped[1]}", tags=tags)
    report(hub, what=f"hub rebuilt for {clamped[0]}..{clamped[1]}")
    sys.exit(1 if rejected else exit_code(hub))
