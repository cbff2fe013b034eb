"""hub.order_tags: orders that deserve special care (high value, repeat buyer, remote region)."""

from datetime import UTC, datetime

import dagster as dg
from pydantic import Field

from assets.tables import key, row_count
from orderhub.fulfilment import tags
from resources.warehouse import WAREHOUSE_POOL, Warehouse


class TagsConfig(dg.Config):
    high_value_fen: int = Field(
        default=100_000,
        gt=0,
        description="Paid amount (fen) from which an order gets dedicated follow-up; default ¥1,000.",
    )


@dg.asset(
    key=key("hub.order_tags"),
    group_name="fulfilment",
    kinds={"duckdb", "sql"},
    pool=WAREHOUSE_POOL,
    deps=[key("hub.orders")],
)
def order_tags(config: TagsConfig, warehouse: Warehouse) -> dg.MaterializeResult:
    """Orders that deserve special care: high-value orders for dedicated follow-up, orders from repeat buyers
    (recognised through the hashed buyer key, never the buyer's identity), and remote-region orders
    (Xinjiang, Tibet, Qinghai, Inner Mongolia, Ningxia, Gansu) with the delivery time to promise."""
    with warehouse.connect() as con:
        meta = tags.build_order_tags(con, config.high_value_fen, datetime.now(UTC))
        return dg.MaterializeResult(metadata={**row_count(con, "hub.order_tags"), **meta})
