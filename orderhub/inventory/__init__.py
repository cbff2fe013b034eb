"""Inventory: WMS snapshot, reservations, availability, channel stock conflicts and push-back (Dagster-free)."""
