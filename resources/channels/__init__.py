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
- ``ORDERHUB_TAOBAO_SESSION``  the seller's TOP authorisation token (``session`` parameter), default empty.
- ``ORDERHUB_JD_ACCESS_TOKEN``  the seller's JD ``access_token``, default empty (not sent).
- ``ORDERHUB_ENABLE_JD=1``  include JD in default pulls (also on whenever any ``ORDERHUB_JD_*`` variable above
  is set); the ``jd_api`` resource itself is always bound.

Settings are read through resources.env.env_or (a set variable is a dg.EnvVar, resolved at run time and never
shown in the UI); the base URL's default is resolved when a call is made, so the simulator's address is never
frozen into the definitions.
"""

from __future__ import annotations

import os

from resources.channels.base import ApiError, ChannelApi
from resources.channels.douyin import DouyinApi
from resources.channels.jd import JdApi
from resources.channels.pdd import PddApi
from resources.channels.taobao import TaobaoApi
from resources.env import env_or

__all__ = [
    "ApiError",
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

# channel -> (client class, simulator app key, simulator secret, simulator shop)
CHANNEL_APIS: dict[str, tuple[type[ChannelApi], str, str, str]] = {
    "taobao": (TaobaoApi, "sim-tb-key", "sim-tb-secret", "tb-flagship"),
    "douyin": (DouyinApi, "sim-dy-key", "sim-dy-secret", "dy-official"),
    "pdd": (PddApi, "sim-pdd-id", "sim-pdd-secret", "pdd-store"),
    "jd": (JdApi, "sim-jd-key", "sim-jd-secret", "jd-pop"),
}
_JD_VARIABLES = ("BASE_URL", "APP_KEY", "APP_SECRET", "SHOP_ID", "ACCESS_TOKEN")


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
    the definitions do not depend on the environment; `enabled_channels()` decides which a default pull reads.
    JD only supports order search (`JdApi.capabilities`)."""
    resources: dict[str, ChannelApi] = {}
    for channel, (cls, key, secret, shop) in CHANNEL_APIS.items():
        env = f"ORDERHUB_{channel.upper()}"
        extra: dict = {}
        if cls is TaobaoApi:
            extra = {"session_key": env_or("ORDERHUB_TAOBAO_SESSION", "")}
        elif cls is JdApi:
            extra = {"access_token": env_or("ORDERHUB_JD_ACCESS_TOKEN", "")}
        resources[f"{channel}_api"] = cls(
            channel=channel,
            shop_id=env_or(f"{env}_SHOP_ID", shop),
            base_url=env_or(f"{env}_BASE_URL", ""),
            app_key=env_or(f"{env}_APP_KEY", key),
            app_secret=env_or(f"{env}_APP_SECRET", secret),
            **extra,
        )
    return resources


def client_for(channel: str, **clients: ChannelApi) -> ChannelApi:
    """The marketplace client for a channel named in run config, among the clients an asset was given."""
    if channel not in clients:
        raise ValueError(f"no API client for channel {channel!r}; known: {sorted(clients)}")
    return clients[channel]
