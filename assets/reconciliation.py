"""reconciliation domain assets (being built)."""

import dagster as dg

defs = dg.Definitions()
