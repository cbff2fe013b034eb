"""`orderhub`: one command for operators. Subcommands load lazily, so `orderhub --help` answers at once and a
subcommand pays only for what it imports (Dagster takes seconds to import; `orderhub sql` does not need it)."""

from __future__ import annotations

import importlib

import click

# name -> (module:attribute, one-line help shown by `orderhub --help` without importing the module)
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("cli.demo:demo", "Start the simulator and run the whole pipeline on its 90-day world."),
    "ui": ("cli.ui:ui", "Start the simulator in live mode and the Dagster UI on the same home."),
    "snapshot": ("cli.snapshot:snapshot", "Archive or restore the configuration that defines the flow."),
    "privacy": ("cli.privacy:privacy", "Personal data: scan what analysts can open for names, phones, addresses."),
    "shops": ("cli.shops:shops", "Each shop's platform authorization and expiry; authorize, refresh, check."),
    "replenishment": ("cli.replenishment:replenishment", "Purchase suggestions, most urgent first; the loop replay."),
    "sql": ("cli.sql:sql", "Query the analysts' read-only view (live lake, or the published copy of a file)."),
    "warehouse": (
        "cli.warehouse:warehouse",
        "Warehouse backend: info, snapshots, maintenance, convert old files, move a file to a lake.",
    ),
    "mapping": ("cli.mapping:mapping", "List the channel mappings; check one against a sample file before landing."),
    "quarantine": ("cli.quarantine:quarantine", "List quarantined records; replay them with the current mappings."),
    "status": ("cli.status:status", "Runs, queue, daemon, freshness, held windows, open alerts, quarantine by reason."),
    "backfill": ("cli.backfill:backfill", "Rebuild the hub for order dates --from..--to (waits; non-zero on failure)."),
    "ingest": ("cli.ingest:ingest", "Land export files (ingest files) and rebuild the hub days they touched."),
    "publish": ("cli.publish:publish", "Republish the analysts' read-only copy (warehouse_ro.duckdb) now."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, _, attr = COMMANDS[name][0].partition(":")
        return getattr(importlib.import_module(module), attr)

    def invoke(self, ctx: click.Context):
        from orderhub.settings import SettingError

        try:
            return super().invoke(ctx)
        except SettingError as exc:  # a mistyped environment setting is the operator's to fix: no traceback
            raise click.ClickException(str(exc)) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name][1]) for name in self.list_commands(ctx)])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
def main() -> None:
    """OrderHub: the order-fulfilment data hub. Everything it writes lives under $ORDERHUB_HOME
    (default ./.orderhub)."""
