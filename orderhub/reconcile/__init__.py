"""Dual-run reconciliation: the hub against the seller's old way (ERP tables, seller-center export files)."""
