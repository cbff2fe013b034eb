"""hub.skus / hub.sku_map from the ERP item master, and SKU ids on order lines."""

from __future__ import annotations

import pandas as pd
from ingest_kit import land_fixture, rebuild

from orderhub.standardize.skus import load_sku_map, load_skus

ITEMS = pd.DataFrame(
    {
        "sku_code": ["SKU-00001", "SKU-00002", "SKU-00003"],
        "title": ["保温杯", "杯套", "茶"],
        "category": ["厨具", "厨具", "食品"],
        "price_yuan": ["129.9", "64.95", "abc"],
        "pack_size": [1, 2, 1],
        "moq": [10, 20, 5],
        "lead_time_days": [7, 7, 3],
        "supplier_code": ["SUP-1", "SUP-1", "SUP-2"],
        "updated": ["2025/10/21 09:00:00", "2025/10/21 09:00:00", "2025/10/21 09:00:00"],
    }
)
CHANNEL_SKUS = pd.DataFrame(
    {
        "channel": ["taobao", "douyin", "douyin"],
        "channel_sku": ["SKU-00001", "DY00001", "DY00001"],
        "sku_code": ["SKU-00001", "SKU-00001", "SKU-00001"],
    }
)


def test_item_master_to_hub_skus_with_exact_prices_and_quarantine(con):
    assert load_skus(con, ITEMS) == 2
    rows = con.execute(
        "select sku_id, price_fen, pack_size, min_order_qty, lead_time_days, supplier_id, updated_at "
        "from hub.skus order by 1"
    ).fetchall()
    assert [r[:6] for r in rows] == [("SKU-00001", 12990, 1, 10, 7, "SUP-1"), ("SKU-00002", 6495, 2, 20, 7, "SUP-1")]
    assert str(rows[0][6]) == "2025-10-21 01:00:00+00:00"
    assert con.execute("select entity, reason from hub.quarantine").fetchall() == [("sku", "bad_item")]
    assert load_skus(con, ITEMS) == 2  # replaced, not appended; quarantine not duplicated
    assert con.execute("select count(*) from hub.quarantine").fetchone()[0] == 1


def test_sku_map_dedupes_and_maps_erp_codes_to_themselves(con):
    load_skus(con, ITEMS)
    assert load_sku_map(con, CHANNEL_SKUS) == 2 + 2
    assert (
        con.execute("select sku_id from hub.sku_map where channel = 'erp' and channel_sku = 'SKU-00002'").fetchone()[0]
        == "SKU-00002"
    )
    land_fixture(con, "erp")
    rebuild(con)
    assert con.execute("select count(*) from hub.order_lines where sku_id is null").fetchone()[0] == 0
