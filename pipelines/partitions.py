"""Partitioning shared by every order-date partitioned asset."""

from __future__ import annotations

import os

import dagster as dg

from orderhub.settings import BUSINESS_TZ

# The first business day OrderHub keeps. Demo/tests may move it with ORDERHUB_START_DATE.
START_DATE = os.environ.get("ORDERHUB_START_DATE", "2026-06-01")

order_date_partitions = dg.DailyPartitionsDefinition(
    start_date=START_DATE, timezone=BUSINESS_TZ, end_offset=1  # today's partition exists while it fills
)

# A range of days runs as one run: one DuckDB writer, one transaction per window.
single_run = dg.BackfillPolicy.single_run()

# Assets that write the warehouse share this pool; the instance limits it to 1 (one DuckDB writer).
WAREHOUSE_POOL = "duckdb_warehouse"
