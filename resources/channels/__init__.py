"""Channel API resources, one per marketplace, configured from the environment.

Environment variables (all optional; unset means "talk to the local simulator with its demo credentials"):

- ``ORDERHUB_SIMULATOR_URL``  root of the simulator, default ``http://127.0.0.1:8765``
- ``ORDERHUB_<CH>_BASE_URL``  API root for channel CH (TAOBAO, DOUYIN, PDD, JD), default
  ``$ORDERHUB_SIMULATOR_URL/<ch>``. Real platforms: Taobao ``https://eco.taobao.com`` (TOP router
  ``/router/rest``), Douyin ``https://openapi-fxg.jinritemai.com`` (``/order/searchList`` ...), Pinduoduo
  ``https://gw-api.pinduoduo.com`` (``/api/router``), JD ``https://api.jd.com`` (``/routerjson``).
- ``ORDERHUB_<CH>_APP_KEY`` / ``ORDERHUB_<CH>_APP_SECRET``  app credentials (PDD: client_id / client_secret).
- ``ORDERHUB_<CH>_SHOP_ID``  OrderHub's id for the shop, default the simulator's shop
  (``tb-flagship``, ``dy-official``, ``pdd-store``, ``jd-pop``).
- ``ORDERHUB_<CH>_ACCESS_TOKEN``  the seller's authorization token for that shop (TOP: the ``session`` key;
  ``ORDERHUB_TAOBAO_SESSION`` is read too), default the simulator's demo token; ``ORDERHUB_<CH>_TOKEN_EXPIRES_AT``,
  ``ORDERHUB_<CH>_REFRESH_TOKEN``, ``ORDERHUB_<CH>_REFRESH_TOKEN_EXPIRES_AT`` (ISO or epoch seconds) as the
  platform returned them. ``ORDERHUB_SECRETS_FILE``: the token store refreshed tokens are written to
  (default ``$ORDERHUB_HOME/secrets/shops.json``; ``orderhub shops`` manages it), read when a call is made.
- ``ORDERHUB_JD_OAUTH_URL``  JD's OAuth root for token refresh (default ``https://open-oauth.jd.com`` when
  ``ORDERHUB_JD_BASE_URL`` is set, else the simulator).
- ``ORDERHUB_ENABLE_JD=1``  include JD in default pulls (also on whenever any ``ORDERHUB_JD_*`` variable above
  is set); the ``jd_api`` resource itself is always bound.

Settings are read through resources.env.env_or (a set variable is a dg.EnvVar, resolved at run time and never
shown in the UI); the base URL's default is resolved when a call is made, so the simulator's address is never
frozen into the definitions.
"""

from __future__ import annotations

import os

from resources.channels.base import ApiError, AuthorizationError, ChannelApi
from resources.channels.douyin import DouyinApi
from resources.channels.jd import JdApi
from resources.channels.pdd import PddApi
from resources.channels.taobao import TaobaoApi
from resources.env import env_or

__all__ = [
    "ApiError",
    "AuthorizationError",
    "ChannelApi",
    "DouyinApi",
    "JdApi",
    "PddApi",
    "TaobaoApi",
    "channel_resources",
    "client_for",
    "enabled_channels",
    "CHANNEL_APIS",
]

# channel -> (client class, simulator app key, simulator secret, simulator shop, simulator demo token)
CHANNEL_APIS: dict[str, tuple[type[ChannelApi], str, str, str, str]] = {
    "taobao": (TaobaoApi, "sim-tb-key", "sim-tb-secret", "tb-flagship", "sim-tb-token"),
    "douyin": (DouyinApi, "sim-dy-key", "sim-dy-secret", "dy-official", "sim-dy-token"),
    "pdd": (PddApi, "sim-pdd-id", "sim-pdd-secret", "pdd-store", "sim-pdd-token"),
    "jd": (JdApi, "sim-jd-key", "sim-jd-secret", "jd-pop", "sim-jd-token"),
}
_JD_VARIABLES = ("BASE_URL", "APP_KEY", "APP_SECRET", "SHOP_ID", "ACCESS_TOKEN")
TOKEN_SETTINGS = {
    "token_expires_at": "TOKEN_EXPIRES_AT",
    "refresh_token": "REFRESH_TOKEN",
    "refresh_token_expires_at": "REFRESH_TOKEN_EXPIRES_AT",
}


def jd_enabled() -> bool:
    """JD is optional: on when any ORDERHUB_JD_* connection variable is set, or ORDERHUB_ENABLE_JD=1."""
    return os.environ.get("ORDERHUB_ENABLE_JD", "").lower() in ("1", "true", "yes") or any(
        os.environ.get(f"ORDERHUB_JD_{n}") for n in _JD_VARIABLES
    )


def enabled_channels() -> list[str]:
    """API channels a default pull reads (read at run time): every channel, JD only when enabled."""
    return [ch for ch in CHANNEL_APIS if ch != "jd" or jd_enabled()]


def channel_resources() -> dict[str, ChannelApi]:
    """Resource key per channel: "taobao_api", "douyin_api", "pdd_api", "jd_api". Every channel is bound, so
    the definitions do not depend on the environment; `enabled_channels()` decides which a default pull reads."""
    resources: dict[str, ChannelApi] = {}
    for channel, (cls, key, secret, shop, token) in CHANNEL_APIS.items():
        env = f"ORDERHUB_{channel.upper()}"
        if cls is TaobaoApi:  # TOP calls the token "session": accept the older variable name too
            token = env_or("ORDERHUB_TAOBAO_SESSION", token)
        extra: dict = {"oauth_url": env_or("ORDERHUB_JD_OAUTH_URL", "")} if cls is JdApi else {}
        resources[f"{channel}_api"] = cls(
            channel=channel,
            shop_id=env_or(f"{env}_SHOP_ID", shop),
            base_url=env_or(f"{env}_BASE_URL", ""),
            app_key=env_or(f"{env}_APP_KEY", key),
            app_secret=env_or(f"{env}_APP_SECRET", secret),
            access_token=env_or(f"{env}_ACCESS_TOKEN", token),
            **{field: env_or(f"{env}_{name}", "") for field, name in TOKEN_SETTINGS.items()},
            **extra,
        )
    return resources


def client_for(channel: str, **clients: ChannelApi) -> ChannelApi:
    """The marketplace client for a channel named in run config, among the clients an asset was given."""
    if channel not in clients:
        raise ValueError(f"no API client for channel {channel!r}; known: {sorted(clients)}")
    return clients[channel]
