"""`orderhub mapping list|check`: the channel mappings, and what a sample file would do under one."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from orderhub import settings


@click.group()
def mapping() -> None:
    """Channel mappings (orderhub/mappings/*.yaml and your own folder ORDERHUB_MAPPINGS_DIR): list them, or check
    one against a sample file before landing anything."""


@mapping.command("list")
def list_mappings() -> None:
    """Every mapping with its source, channel and, for file channels, the landing folder it serves."""
    from orderhub.standardize.loader import all_mappings

    home = settings.paths()
    for name, m in all_mappings().items():
        where = ""
        if m.file:
            pair = f" + {m.file.lines_from.match}" if m.file.lines_from else ""
            where = f"  {home.landing / m.file.folder}/{m.file.match}{pair}"
        click.echo(
            f"{name:<20} {m.source:<5} {m.channel:<10} {m.currency.code if m.currency.fixed else 'per record'}{where}"
        )


def _load(name: str):
    from orderhub.standardize.loader import load_mapping, load_mapping_file

    path = Path(name)
    if path.suffix in (".yaml", ".yml") and path.exists():
        st = path.stat()
        return load_mapping_file(path.resolve(), st.st_mtime_ns, st.st_size)
    return load_mapping(name)


@mapping.command()
@click.argument("name")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
def check(name: str, files: tuple[Path, ...], as_json: bool) -> None:
    """What FILES would do under mapping NAME (a mapping name or a path to a .yaml file), before anything lands:
    per field how many values parse, each quarantine reason with examples, statuses not in the map, SKUs no map
    knows, and the accounting. A report pair takes both files. Exit 0: every record would be stored; 1: some
    would be quarantined, or the file would be rejected whole; 2: the mapping itself is invalid."""
    from orderhub.ingest.check import check as run_check
    from orderhub.ingest.filestage import ExportReadError
    from orderhub.standardize.mapping import MappingError

    try:
        m = _load(name)
    except MappingError as exc:
        click.echo(f"mapping {name} is invalid: {exc}", err=True)
        sys.exit(2)
    home = settings.paths()
    try:
        report = run_check(
            m, list(files), [home.warehouse_readonly, home.warehouse], date.fromisoformat(settings.start_date())
        )
    except ExportReadError as exc:
        click.echo(f"{m.name}: the file would be rejected whole ({exc.reason}): {exc.message}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        _print(report)
    sys.exit(1 if report["accounting"]["quarantined"] else 0)


def _print(r: dict) -> None:
    echo = click.echo
    echo(f"mapping {r['mapping']} ({r['source']}, {r['origin']})")
    if "headers" in r:
        echo(f"headers: {len(r['headers']['found'])} found, all {len(r['headers']['required'])} required present")
        if r["optional_headers_absent"]:
            echo(f"  optional columns absent (their fields stay empty): {', '.join(r['optional_headers_absent'])}")
    echo("\nfields                      present    parse  unreadable  examples of unreadable values")
    for f in r["fields"]:
        label = f"{f['level'][0]}.{f['field']}" + ("*" if f.get("required") else "")
        examples = ", ".join(repr(x) for x in f["examples"])
        echo(f"  {label:<26}{f['present']:>8,} {f['parsed']:>8,} {f['unreadable']:>11,}  {examples}   <- {f['from']}")
    echo("  (* required; o. order field, l. line field)")
    echo("\nquarantine reasons:" + ("" if r["reasons"] else " none"))
    for q in r["reasons"]:
        echo(f"  {q['reason']:<24}{q['records']:>8,}  e.g. {q['examples'][0]}")
        for ex in q["examples"][1:]:
            echo(f"  {'':<32}  {ex}")
    statuses = r["unmapped_statuses"]
    echo("\nstatus texts not in the map:" + ("" if statuses else " none"))
    for text, n in statuses:
        echo(f"  {text!r}: {n:,} records")
    if statuses:
        echo("  -> add them to status.map; once landed, `orderhub quarantine replay` stores their records")
    skus = r["unmapped_skus"]
    echo(f"\nSKUs that do not map ({skus['checked_against']}): {skus['distinct']:,}")
    for sku, n in skus["top"]:
        echo(f"  {sku!r}: {n:,} lines")
    if skus["distinct"] > len(skus["top"]):
        echo(f"  ... and {skus['distinct'] - len(skus['top']):,} more (--json lists the first 20 too)")
    if skus["distinct"]:
        echo("  -> map them in sku_aliases.csv next to your mappings (or the ERP's channel SKU table)")
    d = r["order_dates"]
    echo(f"\norder dates: {d['first']} .. {d['last']}; currency {', '.join(r['currency'] or [])}")
    if d["before_first_partition"]:
        echo(
            f"  {d['before_first_partition']} days before the first partition {d['first_partition']}: "
            "they land in raw, and the ingest raises an alert naming them (set ORDERHUB_START_DATE earlier)"
        )
    a = r["accounting"]
    echo(
        f"\naccounting: received {a['received']:,} = stored {a['stored']:,} + deduplicated {a['deduplicated']:,}"
        f" + quarantined {a['quarantined']:,}   (report rows {a['report_rows']:,}, order lines stored"
        f" {a['lines_stored']:,}; compared with {r['warehouse'] or 'no warehouse'})"
    )
