"""`orderhub privacy scan`: prove that nothing analysts can open holds personal data in clear (orderhub/privacy)."""

from __future__ import annotations

import sys

import click


@click.group()
def privacy() -> None:
    """Personal data: landing moves buyers' names, phones and addresses into the protected store and leaves
    tokens (pii:<kind>:<hex>) in raw.* and hub.quarantine; analysts never see the store (docs/analysts.md)."""


@privacy.command()
@click.option(
    "--no-store",
    is_flag=True,
    help="patterns only: do not open the protected store to compare its values (for a user without its credentials)",
)
def scan(no_store: bool) -> None:
    """Scan every text column of the analysts' view (the one `orderhub sql` opens) for phones, resident ID numbers,
    e-mail and street addresses, and for every name, phone, address and account the protected store holds.
    Exits 1 when anything is found."""
    from orderhub import analysts
    from orderhub.privacy import scan as pii_scan
    from orderhub.privacy import store

    con = analysts.connect()
    try:
        (catalog,) = con.execute("select current_database()").fetchone()
        known = None if no_store else store.values(con)
        click.echo(f"scanning {analysts.describe()}")
        if known is None:
            click.echo(
                "  known values: not compared (" + ("--no-store" if no_store else "no protected store yet") + ")"
            )
        else:
            click.echo(f"  known values: {len(known)} from the protected store ({store.target()})")
        columns = len(pii_scan.text_columns(con, catalog))
        findings = pii_scan.scan(con, catalog, known)
    finally:
        con.close()
    for f in findings:
        click.echo("  FOUND " + f.line())
    click.echo(f"{columns} text columns scanned: " + (f"{len(findings)} hold personal data" if findings else "clean"))
    sys.exit(1 if findings else 0)
