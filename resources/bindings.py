"""The one place OrderHub's resources are bound to their keys, for Dagster and for everything outside it.

Dagster: pipelines/definitions.py passes `bound()` to its Definitions. Outside Dagster (bench, CLI, tests):
`resolved(key)` returns the same resource with its settings read exactly as a run reads them (EnvVars
resolved), so a script never sees an EnvVar's name where a value should be.
"""

from __future__ import annotations

import dagster as dg

from resources.channels import channel_resources
from resources.cs import CsApi
from resources.env import env_or
from resources.erp import ErpBridge
from resources.logistics import LogisticsApi
from resources.notifier import KIND_ENV, SECRET_ENV, URL_ENV, Notifier
from resources.pii import PiiSettings
from resources.purchasing import PurchasingApi
from resources.quality_settings import QualitySettings
from resources.warehouse import Warehouse
from resources.wms import WmsApi


def bound() -> dict[str, dg.ConfigurableResource]:
    return {
        "warehouse": Warehouse(),
        **channel_resources(),
        "erp": ErpBridge(url=env_or("ORDERHUB_ERP_URL", "")),
        "wms": WmsApi(base_url=env_or("ORDERHUB_WMS_URL", ""), api_key=env_or("ORDERHUB_WMS_API_KEY", "sim-wms-key")),
        "logistics": LogisticsApi(
            base_url=env_or("ORDERHUB_LOGISTICS_URL", ""), api_key=env_or("ORDERHUB_LOGISTICS_API_KEY", "sim-lg-key")
        ),
        "cs": CsApi(base_url=env_or("ORDERHUB_CS_URL", ""), api_key=env_or("ORDERHUB_CS_API_KEY", "")),
        "purchasing_api": PurchasingApi(
            base_url=env_or("ORDERHUB_PURCHASING_URL", ""), api_key=env_or("ORDERHUB_PURCHASING_API_KEY", "sim-wms-key")
        ),
        # an unset webhook means "log only", so these are never a required EnvVar
        "notifier": Notifier(
            webhook_url=env_or(URL_ENV, ""), secret=env_or(SECRET_ENV, ""), kind=env_or(KIND_ENV, "auto")
        ),
        # required: a run without a stable salt would write buyer keys that never match again
        "pii": PiiSettings(salt=dg.EnvVar("ORDERHUB_PII_SALT")),
        "quality_settings": QualitySettings(),
    }


def resolved(key: str) -> dg.ConfigurableResource:
    """The resource bound to `key`, initialized outside Dagster with its settings read from the environment."""
    resources = bound()
    if key not in resources:
        raise KeyError(f"no resource {key!r}; bound: {sorted(resources)}")
    return resources[key].process_config_and_initialize()
