"""hub.sku_map: channel SKU → hub SKU. A mapping to a SKU the item master doesn't know makes order lines
look mapped while inventory and purchasing can't see them."""

from __future__ import annotations

import duckdb
import pandas as pd

from quality.framework import Rule, TableSuite, Window
from quality.ge import gxe
from resources.quality_settings import QualitySettings


def known_frame(con: duckdb.DuckDBPyConnection, window: Window, s: QualitySettings) -> pd.DataFrame:
    return con.execute(
        """
        select m.channel, m.channel_sku, m.sku_id, k.sku_id as known_sku_id
        from hub.sku_map m left join hub.skus k on k.sku_id = m.sku_id
        order by m.channel, m.channel_sku
        """
    ).df()


SUITE = TableSuite(
    table="hub.sku_map",
    key_columns=("channel", "channel_sku"),
    rules=(
        Rule(
            "one_mapping_per_channel_sku",
            "Each (channel, channel SKU) maps to exactly one hub SKU.",
            blocking=True,
            columns=("sku_id",),
            expectations=lambda s, f: [
                gxe.ExpectCompoundColumnsToBeUnique(column_list=["channel", "channel_sku"]),
                gxe.ExpectColumnValuesToNotBeNull(column="sku_id"),
            ],
        ),
        Rule(
            "maps_to_known_sku",
            "Every mapped hub SKU exists in hub.skus.",
            blocking=True,
            frame=known_frame,
            sample_columns=("sku_id",),
            expectations=lambda s, f: [gxe.ExpectColumnValuesToNotBeNull(column="known_sku_id")],
        ),
    ),
)
