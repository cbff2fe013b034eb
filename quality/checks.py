"""Great Expectations suites wrapped as Dagster asset checks, plus the alerting sensors and resources.

See quality/wiring.py for how suites become `@multi_asset_check`s and which tables get them.
"""

from __future__ import annotations

import dagster as dg

from pipelines import ops_sensors
from quality.settings import QualitySettings
from quality.wiring import build_checks, present_assets
from resources.notifier import notifier_from_env

defs = dg.Definitions.merge(
    dg.Definitions(
        asset_checks=build_checks(present_assets()),
        resources={"notifier": notifier_from_env(), "quality_settings": QualitySettings()},
    ),
    ops_sensors.defs,
)
