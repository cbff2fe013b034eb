"""Thresholds of the warning checks, configurable per deployment (Dagster resource `quality_settings`)."""

from __future__ import annotations

import dagster as dg
from pydantic import Field


class QualitySettings(dg.ConfigurableResource):
    volume_tolerance: float = Field(
        0.5,
        description="Warn when a channel's daily orders differ from the same weekday's median by more than this share.",
    )
    volume_weeks: int = Field(4, description="How many previous same weekdays make the baseline (median).")
    volume_min_weeks: int = Field(2, description="Judge a day only with at least this many previous same weekdays.")
    volume_promotion_windows: list[str] = Field(
        default_factory=lambda: ["06-01..06-18", "11-01..11-11", "12-12..12-12"],
        description="Shopping festivals ('MM-DD..MM-DD'): left out of baselines; on them only drops warn.",
    )
    volume_min_baseline: float = Field(
        20.0, description="Ignore channels whose baseline is below this many orders/day (too noisy)."
    )
    api_min_success_rate: float = Field(0.992, description="Warn when a channel's API call success rate is below this.")
    api_window_hours: int = Field(24, description="Window of ops.api_calls rows to rate.")
    api_min_calls: int = Field(20, description="Channels with fewer calls in the window are not rated.")
    quarantine_max_share: float = Field(
        0.01, description="Warn when quarantined/received in ops.ingest_batches exceeds this."
    )
    quarantine_window_hours: int = Field(24, description="Window of ingest batches for the quarantine share.")
    inventory_max_age_minutes: int = Field(90, description="Warn when the newest WMS snapshot is older than this.")
    sample_rows: int = Field(10, description="Failing rows shown in check metadata.")
