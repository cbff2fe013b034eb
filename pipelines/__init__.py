"""Dagster entry point (definitions.py) plus jobs, schedules, sensors and partitions per domain."""
