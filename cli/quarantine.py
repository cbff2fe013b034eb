"""`orderhub quarantine list|replay`: what is in quarantine, and re-standardizing it after a mapping fix.

`replay` runs as Dagster runs on the instance in $DAGSTER_HOME (visible in the UI, waiting its turn for the
warehouse like every writer): `quarantine_replay_job` re-standardizes the quarantined raw records with today's
mappings and SKU aliases, then `hub_rebuild_job` rebuilds the hub windows the replay touched.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click

from orderhub import settings

QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


@click.group()
def quarantine() -> None:
    """Records that could not be standardized (hub.quarantine): list them, or replay them after a fix to the
    mapping or the SKU alias file."""


@quarantine.command("list")
@click.option("--mapping", help="only records of this mapping")
@click.option("--reason", help="only this quarantine reason")
@click.option("--examples", type=int, default=3, show_default=True, help="example messages per group")
@click.option("--all", "show_all", is_flag=True, help="also rows already resolved by a replay")
def list_quarantine(mapping: str | None, reason: str | None, examples: int, show_all: bool) -> None:
    """Open quarantine rows by entity, source, channel, mapping and reason, with example messages, and the
    ingest accounting (received = stored + deduplicated + quarantined over every batch and replay)."""
    from orderhub import warehouse
    from orderhub.ingest.replay import quarantine_summary
    from orderhub.standardize.moves import ledger

    con = warehouse.connect(read_only=True)  # ORDERHUB_WAREHOUSE: a file or a lake
    try:
        rows = [r for r in quarantine_summary(con, resolved=show_all) if _keep(r, mapping, reason)]
        if not rows:
            click.echo("nothing in quarantine" + (" for that filter" if mapping or reason else ""))
        else:
            head = f"{'records':>8}  {'entity':<7}{'source':<8}{'channel':<10}{'mapping':<18}{'reason':<26}"
            click.echo(head + "quarantined")
        for entity, source, channel, mapping_name, why, n, first, last in rows:
            click.echo(
                f"{n:>8,}  {entity:<7}{source:<8}{channel:<10}{mapping_name:<18}{why:<26}"
                f"{first:%Y-%m-%d}..{last:%Y-%m-%d}"
            )
            for (message,) in con.execute(
                """select q.message from hub.quarantine q left join raw.channel_orders r
                   on q.entity = 'order' and r.content_hash::varchar = q.content_hash
                   where q.reason = ? and coalesce(q.channel, '') = ? and coalesce(r.mapping, '') = ?
                     and (? or q.resolved_at is null)
                   group by q.message order by max(q.quarantined_at) desc, q.message limit ?""",
                [why, channel, mapping_name, show_all, examples],
            ).fetchall():
                click.echo(f"{'':>10}{message[:150]}")
        t = ledger(con)
        click.echo(
            f"\naccounting: received {t['received']:,} = stored {t['stored']:,} + deduplicated {t['deduplicated']:,}"
            f" + quarantined {t['quarantined']:,}   (replays moved {t['replayed_to_stored']:,} to stored,"
            f" rebuilds {t['moved_to_quarantine']:,} to quarantine)"
        )
    finally:
        con.close()


def _keep(row: tuple, mapping: str | None, reason: str | None) -> bool:
    return (mapping is None or row[3] == mapping) and (reason is None or row[4] == reason)


@quarantine.command()
@click.option("--mapping", help="only records of this mapping")
@click.option("--reason", help="only records quarantined for this reason")
@click.option("--dry-run", is_flag=True, help="say what would move, write nothing")
def replay(mapping: str | None, reason: str | None, dry_run: bool) -> None:
    """Re-standardize quarantined records with the current mappings (and apply the SKU alias file): the ones
    that now pass are stored, counted as a move (quarantined -> stored, never a second landing), and the hub
    windows they touch are rebuilt."""
    from orderhub import warehouse
    from orderhub.ingest.replay import preview

    if dry_run:
        con = warehouse.connect(read_only=True)  # ORDERHUB_WAREHOUSE: a file or a lake
        try:
            attempted, outcome = preview(con, mapping=mapping, reason=reason)
        finally:
            con.close()
        click.echo(f"{attempted:,} quarantined records would be re-standardized:")
        for new_reason, n in outcome:
            click.echo(f"  {n:>8,}  {'-> stored' if new_reason is None else 'stay: ' + new_reason}")
        return
    if not os.environ.get("ORDERHUB_PII_SALT"):
        raise click.ClickException(
            "set ORDERHUB_PII_SALT to the salt the hub was built with (the rebuild hashes buyer ids)"
        )
    _run_replay(mapping, reason)


def _run_replay(mapping: str | None, reason: str | None) -> None:
    import dagster as dg

    from cli.instance import ensure_instance_config
    from pipelines.definitions import build
    from pipelines.hub import RANGE_END_TAG, RANGE_START_TAG
    from pipelines.ingest import replay_run_config

    paths = settings.paths().ensure()
    os.environ.setdefault("DAGSTER_HOME", str(paths.dagster_home))
    ensure_instance_config(Path(os.environ["DAGSTER_HOME"]))
    defs, instance = build(), dg.DagsterInstance.get()
    click.echo("replaying quarantined records with the current mappings ...")
    result = defs.resolve_job_def("quarantine_replay_job").execute_in_process(
        instance=instance, run_config={**QUIET, **replay_run_config(mapping, reason)}, raise_on_error=False
    )
    if not result.success:
        raise click.ClickException(f"the replay run {result.run_id} failed: see it in the Dagster UI (orderhub ui)")
    md = result.asset_materializations_for_node("raw__channel_orders")[0].metadata
    for move in md["replayed"].value:
        click.echo(
            f"  {move['attempted']:,} re-standardized: {move['to_stored']:,} stored, "
            f"{move['still_quarantined']:,} still quarantined {move['reasons'] or ''}   (run {result.run_id})"
        )
    start, end = md["touched_start"].value, md["touched_end"].value
    first = settings.start_date()
    if not start:
        click.echo("no hub window to rebuild")
        return
    if end < first:
        click.echo(f"  every touched day ({start}..{end}) is before the first partition {first}: see the alert")
        return
    start = max(start, first)
    end = min(end, date.today().isoformat())
    click.echo(f"rebuilding the hub for {start}..{end} ...")
    rebuilt = defs.resolve_job_def("hub_rebuild_job").execute_in_process(
        instance=instance, run_config=QUIET, tags={RANGE_START_TAG: start, RANGE_END_TAG: end}, raise_on_error=False
    )
    if not rebuilt.success:
        checks = [e.event_specific_data for e in rebuilt.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
        error = dg.AssetCheckSeverity.ERROR
        stop = [c for c in checks if not c.passed and (c.blocking if c.blocking is not None else c.severity == error)]
        failed = sorted({f"{'/'.join(c.asset_key.path)}: {c.check_name}" for c in stop})
        why = f"blocking checks failed ({'; '.join(failed)})" if failed else "it failed"
        if any(c.check_name == "sku_mapped" for c in stop):
            why += (
                "; map those SKUs in sku_aliases.csv (or the ERP's channel SKU table, loaded hourly by"
                " hub_skus_schedule) and run `orderhub quarantine replay` again"
            )
        raise click.ClickException(f"the hub rebuild run {rebuilt.run_id}: {why}; see it in the Dagster UI")
    click.echo(f"  done (run {rebuilt.run_id})")
    sys.stdout.flush()
