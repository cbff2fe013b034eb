"""Forecast: the daily demand forecast and replenishment suggestions, before purchasing starts work."""

import dagster as dg

from orderhub import settings

forecast_job = dg.define_asset_job(
    "forecast_daily",
    selection=dg.AssetSelection.groups("forecast"),
    description="Daily demand, the 7-day forecast and its backtest, safety stock and purchase suggestions.",
)
# Stopped by default so a fresh install posts nothing to the ERP on its own.
forecast_schedule = dg.ScheduleDefinition(
    job=forecast_job,
    cron_schedule="30 6 * * *",
    execution_timezone=settings.BUSINESS_TZ,
    default_status=dg.DefaultScheduleStatus.STOPPED,
)

defs = dg.Definitions(jobs=[forecast_job], schedules=[forecast_schedule])
