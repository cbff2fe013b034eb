"""The hub fields a channel mapping fills, and the error a wrong mapping raises (shared by the mapping model,
its parts and the compiler, so none of them imports another in a circle)."""

from __future__ import annotations

HUB_STATUSES = ("pending_payment", "paid", "shipped", "completed", "cancelled", "refunded")

# Order fields the hub needs. Required ones quarantine the record when missing or unreadable.
ORDER_FIELDS: dict[str, bool] = {
    "channel_order_id": True,
    "source_updated_at": True,
    "created_at": True,
    "paid_at": False,
    "shipped_at": False,
    "completed_at": False,
    "cancelled_at": False,
    "total_fen": True,
    "discount_fen": False,
    "freight_fen": False,
    "paid_fen": True,
    "buyer_id": False,
    "promotion_type": False,
    "receiver_province": False,
    "receiver_city": False,
    "shop_id": False,
}
LINE_FIELDS: dict[str, bool] = {
    "channel_sku": True,
    "quantity": True,
    "unit_price_fen": False,
    "paid_fen": False,
    "status": False,
}


class MappingError(ValueError):
    """The mapping file itself is wrong (caught when it is loaded, not when data arrives)."""
