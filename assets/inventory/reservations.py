"""inventory.reservations: stock promised to buyers who paid and whose goods have not left yet."""

from datetime import UTC, datetime

import dagster as dg

from assets.tables import key, row_count
from orderhub.inventory import reservations
from resources.warehouse import WAREHOUSE_POOL, Warehouse


@dg.asset(
    key=key("inventory.reservations"),
    group_name="inventory",
    kinds={"duckdb", "sql"},
    pool=WAREHOUSE_POOL,
    deps=[key("hub.orders"), key("hub.order_lines"), key("hub.fulfilment_tasks")],
)
def inventory_reservations(warehouse: Warehouse) -> dg.MaterializeResult:
    """Stock promised to buyers who paid but whose goods have not left the warehouse. A line's reservation is
    released when it ships (partial shipments release only the shipped lines), or the order is cancelled or
    refunded after payment."""
    with warehouse.connect() as con:
        meta = reservations.build_reservations(con, datetime.now(UTC))
        return dg.MaterializeResult(metadata={**row_count(con, "inventory.reservations"), **meta})
