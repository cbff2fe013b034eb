"""Dagster resources: thin, configurable clients for every external system OrderHub talks to."""
