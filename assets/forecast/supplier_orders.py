"""forecast.supplier_orders, with forecast.goods_receipts: one multi-asset, since what is on order is the ERP's
purchase orders net of the WMS's goods receipts and both must describe the same moment.
Side tables: hub.quarantine (rows of either feed that cannot be read), ops.api_calls."""

from datetime import UTC, datetime

import dagster as dg
from pydantic import Field

from assets.tables import key, row_count
from forecasts import supplier_feed, supply
from orderhub.calllog import CallLog
from resources.purchasing import PurchasingApi
from resources.warehouse import WAREHOUSE_POOL, Warehouse
from resources.wms import WmsApi

ORDERS, RECEIPTS = key("forecast.supplier_orders"), key("forecast.goods_receipts")


class SupplierOrdersConfig(dg.Config):
    page_limit: int = Field(default=1000, ge=1, description="receipts per call")
    max_pages: int = Field(default=500, ge=1, description="receipt pages per run; the rest is read next run")


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ORDERS,
            group_name="forecast",
            kinds={"duckdb", "python"},
            description=(
                "Every purchase order the ERP knows, raised from OrderHub's accepted suggestions or by the buyers "
                "themselves, with what has been received: the stock already on order that new suggestions net off, "
                "and which deliveries are overdue."
            ),
        ),
        dg.AssetSpec(
            RECEIPTS,
            group_name="forecast",
            kinds={"duckdb", "python"},
            description=(
                "Goods received in the warehouses against purchase orders: when each delivery really arrived, "
                "hence each supplier's real lead time and how late it delivers."
            ),
        ),
    ],
    pool=WAREHOUSE_POOL,
)
def supplier_orders(
    context: dg.AssetExecutionContext,
    config: SupplierOrdersConfig,
    warehouse: Warehouse,
    purchasing_api: PurchasingApi,
    wms: WmsApi,
):
    calls = CallLog(context.run_id)
    pages = 0
    try:
        listing = purchasing_api.list_purchase_orders(calls)
        with warehouse.connect() as con:
            now = datetime.now(UTC)
            po = supplier_feed.land_purchase_orders(con, listing, now)
            after = supplier_feed.last_receipt_id(con)
            rc = {"received": 0, "stored": 0, "deduplicated": 0, "quarantined": 0}
            for pages in range(1, config.max_pages + 1):  # noqa: B007 - the pages read are reported
                batch, next_after = wms.fetch_receipts(after, config.page_limit, calls)
                for k, v in supplier_feed.land_receipts(con, batch, now).items():
                    rc[k] += v
                if not batch or next_after <= after:
                    break
                after = next_after
            orders, receipts = supplier_feed.frames(con)
            counts = {t: row_count(con, t) for t in ("forecast.supplier_orders", "forecast.goods_receipts")}
    finally:
        with warehouse.connect() as con:
            calls.flush(con)
    open_ = supply.supply_by_sku(orders, receipts, now)
    lead = supply.supplier_lead_times(orders, receipts, now)
    yield dg.MaterializeResult(
        asset_key=ORDERS,
        metadata={
            **counts["forecast.supplier_orders"],
            **{f"orders_{k}": v for k, v in po.items()},
            "units_on_order": int(open_["on_order"].sum()) if len(open_) else 0,
            "units_on_order_raised_elsewhere": int(open_["on_order_elsewhere"].sum()) if len(open_) else 0,
            "overdue_orders": int(open_["overdue_orders"].sum()) if len(open_) else 0,
        },
    )
    yield dg.MaterializeResult(
        asset_key=RECEIPTS,
        metadata={
            **counts["forecast.goods_receipts"],
            **{f"receipts_{k}": v for k, v in rc.items()},
            "pages": pages,
            "last_receipt_id": after,
            "supplier_lead_times": dg.MetadataValue.md(lead.round(2).to_markdown(index=False) if len(lead) else "none"),
        },
    )
