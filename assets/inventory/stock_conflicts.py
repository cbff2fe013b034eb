"""inventory.stock_conflicts: listings that tell buyers something different from our stock."""

from datetime import UTC, datetime

import dagster as dg
from pydantic import Field

from assets.tables import key, row_count
from orderhub.inventory import channel_stock
from resources.warehouse import WAREHOUSE_POOL, Warehouse


class ConflictsConfig(dg.Config):
    tolerance: int = Field(default=5, ge=0, description="Units a listing may differ before it counts as a conflict.")
    tolerance_pct: float = Field(default=10.0, ge=0, description="...or this % of available, whichever is larger.")


@dg.asset(
    key=key("inventory.stock_conflicts"),
    group_name="inventory",
    kinds={"duckdb", "sql"},
    pool=WAREHOUSE_POOL,
    deps=[key("inventory.availability"), key("inventory.channel_listings")],
)
def stock_conflicts(config: ConflictsConfig, warehouse: Warehouse) -> dg.MaterializeResult:
    """Listings that tell buyers something different from our stock: in stock on the channel but sold out
    here (oversell risk), sold out there but available here (lost sales), or off by more than the tolerance;
    plus listings we cannot map to a SKU. Measured before the push corrects them."""
    with warehouse.connect() as con:
        meta = channel_stock.build_conflicts(con, config.tolerance, datetime.now(UTC), config.tolerance_pct)
        return dg.MaterializeResult(metadata={**row_count(con, "inventory.stock_conflicts"), **meta})
