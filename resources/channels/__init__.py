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
- ``ORDERHUB_ENABLE_JD=1``  add the optional ``jd_api`` resource against the simulator defaults (it is also
  added whenever any ``ORDERHUB_JD_*`` variable above is set).

When a variable is set it is passed as ``dg.EnvVar`` so secrets are resolved at run time and never shown in
the Dagster UI.
"""

from __future__ import annotations

import os

import dagster as dg

from resources.channels.base import ApiError, ChannelApi
from resources.channels.douyin import DouyinApi
from resources.channels.jd import JdApi
from resources.channels.pdd import PddApi
from resources.channels.taobao import TaobaoApi

__all__ = ["ApiError", "ChannelApi", "DouyinApi", "JdApi", "PddApi", "TaobaoApi", "channel_resources", "jd_enabled",
           "CHANNEL_APIS"]

DEFAULT_SIMULATOR_URL = "http://127.0.0.1:8765"

# channel -> (client class, simulator path prefix, simulator app key, simulator secret, simulator shop)
CHANNEL_APIS: dict[str, tuple[type[ChannelApi], str, str, str, str]] = {
    "taobao": (TaobaoApi, "taobao", "sim-tb-key", "sim-tb-secret", "tb-flagship"),
    "douyin": (DouyinApi, "douyin", "sim-dy-key", "sim-dy-secret", "dy-official"),
    "pdd": (PddApi, "pdd", "sim-pdd-id", "sim-pdd-secret", "pdd-store"),
    "jd": (JdApi, "jd", "sim-jd-key", "sim-jd-secret", "jd-pop"),
}


def _setting(name: str, default: str) -> str | dg.EnvVar:
    return dg.EnvVar(name) if os.environ.get(name) else default


def jd_enabled() -> bool:
    """JD is optional: on when any ORDERHUB_JD_* connection variable is set, or ORDERHUB_ENABLE_JD=1."""
    names = ("BASE_URL", "APP_KEY", "APP_SECRET", "SHOP_ID", "ACCESS_TOKEN")
    return os.environ.get("ORDERHUB_ENABLE_JD", "").lower() in ("1", "true", "yes") or any(
        os.environ.get(f"ORDERHUB_JD_{n}") for n in names)


def channel_resources(include_jd: bool | None = None) -> dict[str, ChannelApi]:
    """Resource key per channel ("taobao_api", "douyin_api", "pdd_api", and "jd_api" when JD is enabled, see
    `jd_enabled`), configured from the environment. JD only supports order search (`JdApi.capabilities`)."""
    include_jd = jd_enabled() if include_jd is None else include_jd
    simulator = os.environ.get("ORDERHUB_SIMULATOR_URL", DEFAULT_SIMULATOR_URL).rstrip("/")
    resources: dict[str, ChannelApi] = {}
    for channel, (cls, prefix, key, secret, shop) in CHANNEL_APIS.items():
        if cls is JdApi and not include_jd:
            continue
        env = f"ORDERHUB_{channel.upper()}"
        extra: dict = {}
        if cls is TaobaoApi:
            extra = {"session_key": _setting("ORDERHUB_TAOBAO_SESSION", "")}
        elif cls is JdApi:
            extra = {"access_token": _setting("ORDERHUB_JD_ACCESS_TOKEN", "")}
        resources[f"{channel}_api"] = cls(
            channel=channel,
            shop_id=_setting(f"{env}_SHOP_ID", shop),
            base_url=_setting(f"{env}_BASE_URL", f"{simulator}/{prefix}"),
            app_key=_setting(f"{env}_APP_KEY", key),
            app_secret=_setting(f"{env}_APP_SECRET", secret),
            **extra,
        )
    return resources
