"""The secret that turns platform buyer ids into stable, non-identifying buyer keys."""

from __future__ import annotations

import dagster as dg


class PiiSettings(dg.ConfigurableResource):
    """Salt for hashing buyer ids (set ORDERHUB_PII_SALT; keep it secret and stable, or buyer keys change)."""

    salt: str
