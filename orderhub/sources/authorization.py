"""The "re-authorize" alert: one open alert per shop whose platform refused its token, cleared once a call with
that shop's token succeeds again.

Channel clients remember what happened to their shop's authorization (`authorization_failure`: the
platform's own error; `authorization_ok`: a call succeeded). Every asset that uses a client passes it here
after its calls, so the alert is raised whichever call met the refusal first (pull, after-sales, stock,
write-back) and never twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import duckdb

from orderhub import alerts

KIND = "reauthorize"


class ShopClient(Protocol):
    channel: str
    shop_id: str
    refreshable: bool

    @property
    def authorization_failure(self) -> str | None: ...

    @property
    def authorization_ok(self) -> bool: ...

    def token_warning(self) -> str | None: ...


def dedupe_key(channel: str, shop_id: str) -> str:
    return f"{KIND}:{channel}:{shop_id}"


def message(channel: str, shop_id: str, failure: str) -> str:
    return (
        f"{channel} shop {shop_id}: the platform refused the authorization token ({failure}). Re-authorize the "
        f"shop: `orderhub shops authorize {channel} --code <code>` (or set a new ORDERHUB_{channel.upper()}"
        "_ACCESS_TOKEN). Until then its pulls, stock pushes and shipment write-backs stop with cursors and "
        "pending work kept, so nothing is lost; `orderhub shops` shows the state."
    )


def sync_reauthorize_alerts(con: duckdb.DuckDBPyConnection, clients: Iterable[ShopClient], asset: str) -> dict:
    """Raise the alert for each shop whose token was refused; resolve it for each shop whose calls went
    through. Returns {"raised": [...], "resolved": [...]} ("<channel>:<shop>")."""
    raised, resolved = [], []
    for client in clients:
        key = dedupe_key(client.channel, client.shop_id)
        failure = client.authorization_failure
        if failure:
            text = message(client.channel, client.shop_id, failure)
            if alerts.raise_alert(con, kind=KIND, severity="error", message=text, dedupe_key=key, asset=asset):
                raised.append(f"{client.channel}:{client.shop_id}")
        elif client.authorization_ok and alerts.resolve_alert(
            con, dedupe_key=key, message=f"{client.channel} shop {client.shop_id}: authorization accepted again"
        ):
            resolved.append(f"{client.channel}:{client.shop_id}")
        _expiry(con, client, asset)
    return {"raised": raised, "resolved": resolved}


def _expiry(con: duckdb.DuckDBPyConnection, client: ShopClient, asset: str) -> None:
    """A token that will lapse and cannot be refreshed (TOP 商家后台 apps, a refresh token near its end):
    warn ahead, so the seller re-authorizes before the pulls stop."""
    key = f"token_expiry:{client.channel}:{client.shop_id}"
    warning = client.token_warning()
    if warning:
        text = f"{client.channel} shop {client.shop_id}: {warning}; re-authorize the shop before then"
        alerts.raise_alert(con, kind="token_expiry", severity="warning", message=text, dedupe_key=key, asset=asset)
    else:
        alerts.resolve_alert(con, dedupe_key=key, message=f"{client.channel} shop {client.shop_id}: token renewed")
