"""`orderhub shops`: each shop's authorization state and expiry; authorize, store, refresh and check tokens.

Tokens never pass through the warehouse or the UI: they come from the environment or the secrets file
(`ORDERHUB_SECRETS_FILE`, default `$ORDERHUB_HOME/secrets/shops.json`, mode 0600), which these commands write.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import click

CHANNELS = ("taobao", "douyin", "pdd", "jd")
# where the seller consents (server-side OAuth); Douyin apps are authorized in the 抖店服务市场 instead
AUTHORIZE_URLS = {
    "taobao": "https://oauth.taobao.com/authorize?{q}",
    "pdd": "https://fuwu.pinduoduo.com/service-market/auth?{q}",
    "jd": "https://open-oauth.jd.com/oauth2/to_login?{q}",
}


def _client(channel: str):
    from resources.bindings import resolved

    return resolved(f"{channel}_api")


def _when(dt: datetime | None, now: datetime) -> str:
    if dt is None:
        return "unknown"
    left = dt - now
    days = left.total_seconds() / 86400
    rel = f"in {days:.1f} d" if days >= 1 else (f"in {left.total_seconds() / 3600:.1f} h" if days > 0 else "passed")
    return f"{dt.astimezone(UTC):%Y-%m-%d %H:%M}Z ({rel})"


def _row(channel: str, now: datetime) -> dict:
    from resources.channels import CHANNEL_APIS, enabled_channels

    api = _client(channel)
    token = api.current_token()
    simulator = not api.base_url
    source = "simulator demo token" if token.access_token == CHANNEL_APIS[channel][4] else token.source
    return {
        "channel": channel,
        "shop": api.shop_id,
        "enabled": channel in enabled_channels(),
        "api": "simulator" if simulator else api.root,
        "token": (source if token.access_token else "none"),
        "expires": _when(token.expires_at, now),
        "refresh_until": _when(token.refresh_expires_at, now) if token.refresh_token else "no refresh token",
        "state": token.state(now, type(api).refresh_margin),
        "refused": f"{token.invalid_at:%Y-%m-%d %H:%M}Z: {token.invalid_reason}" if token.invalid_at else "",
    }


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="print the list as JSON")
@click.pass_context
def shops(ctx: click.Context, as_json: bool) -> None:
    """Each shop's authorization: token source, expiry, refresh-token expiry and state (ok, refresh due,
    expired, re-authorize, missing). Without a subcommand: the list."""
    if ctx.invoked_subcommand is not None:
        return
    now = datetime.now(UTC)
    rows = [_row(ch, now) for ch in CHANNELS]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from orderhub.sources.credentials import secrets_path

    click.echo(f"token store: {secrets_path()}")
    cols = ("channel", "shop", "api", "token", "expires", "refresh_until", "state")
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in cols}
    click.echo("  ".join(c.ljust(widths[c]) for c in cols))
    for r in rows:
        line = "  ".join(str(r[c]).ljust(widths[c]) for c in cols)
        click.echo(line + ("" if r["enabled"] else "  (not pulled: JD disabled)"))
        if r["refused"]:
            click.echo(f"    refused {r['refused']}")


@shops.command("authorize-url")
@click.argument("channel", type=click.Choice(CHANNELS))
@click.option("--redirect-uri", required=True, help="the callback URL registered for the app")
@click.option("--state", default="orderhub", show_default=True)
def authorize_url(channel: str, redirect_uri: str, state: str) -> None:
    """Print the page where the seller grants the app access; the callback receives ?code=..."""
    api = _client(channel)
    if channel == "douyin":
        click.echo("Douyin: the seller authorizes the app in the 抖店服务市场 (tool apps; the callback gets the code)")
        click.echo("or, for a self-use app, run: orderhub shops authorize douyin --self-use-shop <抖店 shop id>")
        return
    key = "app_key" if channel == "jd" else "client_id"
    query = {"response_type": "code", key: api.app_key, "redirect_uri": redirect_uri, "state": state}
    query.update({"scope": "snsapi_base"} if channel == "jd" else {"view": "web"})
    click.echo(AUTHORIZE_URLS[channel].format(q=urlencode(query)))


@shops.command()
@click.argument("channel", type=click.Choice(CHANNELS))
@click.option("--code", default="", help="the authorization code from the callback (valid about 10 minutes)")
@click.option("--self-use-shop", default="", help="Douyin self-use app: the 抖店 shop id instead of a code")
def authorize(channel: str, code: str, self_use_shop: str) -> None:
    """Exchange an authorization code for the shop's tokens and store them in the secrets file."""
    from orderhub.calllog import CallLog
    from orderhub.http import ApiError

    if not code and not (channel == "douyin" and self_use_shop):
        raise click.UsageError("give --code (or, for a Douyin self-use app, --self-use-shop)")
    api = _client(channel)
    try:
        token = api.authorize(code or f"self:{self_use_shop}", CallLog())
    except ApiError as exc:
        click.echo(f"authorization failed: {exc}", err=True)
        sys.exit(1)
    click.echo(f"{channel} shop {api.shop_id}: authorized, token expires {_when(token.expires_at, datetime.now(UTC))}")


@shops.command("set-token")
@click.argument("channel", type=click.Choice(CHANNELS))
@click.option("--access-token", prompt=True, hide_input=True, help="prompted (hidden) when not given")
@click.option("--expires-at", default="", help="ISO time or epoch seconds, as the platform returned it")
@click.option("--expires-in", type=int, default=None, help="or: seconds from now")
@click.option("--refresh-token", default="", help="the refresh token, where the platform issued one")
@click.option("--refresh-expires-at", default="", help="ISO time or epoch seconds")
def set_token(
    channel: str,
    access_token: str,
    expires_at: str,
    expires_in: int | None,
    refresh_token: str,
    refresh_expires_at: str,
) -> None:
    """Store a token obtained elsewhere (e.g. the platform's console) in the secrets file."""
    from orderhub.sources.credentials import ShopToken, fingerprint, parse_time

    api = _client(channel)
    expiry = datetime.now(UTC) + timedelta(seconds=expires_in) if expires_in else parse_time(expires_at)
    token = ShopToken(
        access_token=access_token.strip(),
        expires_at=expiry,
        refresh_token=refresh_token.strip(),
        refresh_expires_at=parse_time(refresh_expires_at),
        origin=fingerprint(api.access_token),
    )
    store = api.store()
    with store.locked():
        store.put(channel, api.shop_id, token)
    click.echo(f"{channel} shop {api.shop_id}: token stored in {store.path}")


@shops.command()
@click.argument("channel", type=click.Choice(CHANNELS), required=False)
def refresh(channel: str | None) -> None:
    """Refresh now (the platforms that allow it); without CHANNEL, every shop whose refresh is due."""
    from orderhub.calllog import CallLog
    from orderhub.http import ApiError

    now, failed = datetime.now(UTC), False
    for ch in [channel] if channel else CHANNELS:
        api = _client(ch)
        token = api.current_token()
        if not channel and not (token.refresh_due(now, type(api).refresh_margin) and token.can_refresh(now)):
            continue
        try:
            new = api.refresh_now(CallLog())
            click.echo(f"{ch} shop {api.shop_id}: refreshed, expires {_when(new.expires_at, now)}")
        except ApiError as exc:
            failed = True
            click.echo(f"{ch} shop {api.shop_id}: {exc}", err=True)
    sys.exit(1 if failed else 0)


@shops.command()
@click.argument("channel", type=click.Choice(CHANNELS), required=False)
def check(channel: str | None) -> None:
    """Make one small authorized call per shop (a one-minute order window) and say whether it went through."""
    from orderhub.calllog import CallLog
    from orderhub.http import ApiError

    failed = False
    for ch in [channel] if channel else CHANNELS:
        api = _client(ch)
        try:
            api.probe(CallLog())
            click.echo(f"{ch} shop {api.shop_id}: ok")
        except ApiError as exc:
            failed = True
            click.echo(f"{ch} shop {api.shop_id}: {exc}", err=True)
    sys.exit(1 if failed else 0)
