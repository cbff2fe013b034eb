"""Fulfilment: warehouse allocation, e-waybills, WMS shipment tasks, WMS events, order tags (Dagster-free)."""
