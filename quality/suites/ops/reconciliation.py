"""ops.reconciliation: during the dual run, the hub must agree order by order with the seller's old way
(ERP tables, seller-center exports); differences explained by a newer change in the source are in flight."""

from __future__ import annotations

import duckdb
import pandas as pd

from quality.framework import Rule, TableSuite, Window
from quality.ge import gxe
from resources.quality_settings import QualitySettings


def latest_diffs(con: duckdb.DuckDBPyConnection, window: Window, s: QualitySettings) -> pd.DataFrame:
    """The differences of the days the latest reconciliation run checked (older days were judged before)."""
    return con.execute("""
        select d.recon_date, d.channel, d.source, d.order_id, d.reason, d.source_status, d.hub_status,
               d.source_paid_fen, d.hub_paid_fen, d.is_in_flight
        from ops.reconciliation_diffs d
        join ops.reconciliation r using (recon_date, channel, shop_id, source)
        where r.checked_at = (select max(checked_at) from ops.reconciliation)
        order by d.recon_date, d.order_id""").df()


SUITE = TableSuite(
    table="ops.reconciliation",
    key_columns=("recon_date", "channel", "source", "order_id"),
    rules=(
        Rule(
            "hub_agrees_with_old_way",
            "Warning: the hub differs from the ERP or the export files (differences still in flight excepted).",
            blocking=False,
            frame=latest_diffs,
            sample_columns=("reason", "source_status", "hub_status", "source_paid_fen", "hub_paid_fen"),
            expectations=lambda s, f: [gxe.ExpectColumnValuesToBeInSet(column="is_in_flight", value_set=[True])],
        ),
    ),
)
