"""inventory.availability: how many units of each SKU each warehouse can still sell.
Side table: ops.alerts (oversell and stock-out alerts)."""

from datetime import UTC, datetime

import dagster as dg
from pydantic import Field

from assets.tables import key, row_count
from orderhub.inventory import availability
from resources.warehouse import WAREHOUSE_POOL, Warehouse


class AvailabilityConfig(dg.Config):
    safety_buffer: int = Field(default=2, ge=0, description="Units per SKU and warehouse never offered for sale.")


@dg.asset(
    key=key("inventory.availability"),
    group_name="inventory",
    kinds={"duckdb", "sql"},
    pool=WAREHOUSE_POOL,
    deps=[key("inventory.stock_snapshot"), key("inventory.reservations")],
)
def inventory_availability(config: AvailabilityConfig, warehouse: Warehouse) -> dg.MaterializeResult:
    """How many units of each SKU each warehouse can still sell: on hand - locked - reserved - safety buffer.
    Negative means oversold (more promised than held) and is kept so it stays visible; oversells and
    stock-outs open an alert (once per SKU) and the alert is resolved when the SKU recovers."""
    with warehouse.connect() as con:
        meta = availability.build_availability(con, config.safety_buffer, datetime.now(UTC))
        return dg.MaterializeResult(metadata={**row_count(con, "inventory.availability"), **meta})
