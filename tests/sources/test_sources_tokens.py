"""Credentials as a seller has them: tokens with expiry refreshed before it (where the platform allows),
an expired token refreshed once on the platform's refusal, authorization codes exchanged, the secrets file
as the store (mode 0600, never the warehouse), and `orderhub shops` listing each shop's state."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta

import pytest
import requests
from click.testing import CliRunner

from orderhub.calllog import CallLog
from orderhub.sources.credentials import ShopToken, TokenStore, effective, fingerprint
from resources.channels import CHANNEL_APIS, AuthorizationError

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    import simulator

    s = simulator.start(seed=3, days=2, now="2026-11-11T12:00:00Z", erp_db=tmp_path_factory.mktemp("t") / "e.sqlite")
    yield s
    s.stop()


def tokens(sim, channel: str, **body) -> dict:
    r = requests.post(f"{sim.url}/admin/tokens", json={"channel": channel, **body}, timeout=10)
    r.raise_for_status()
    return r.json()


def api_for(sim, channel: str, **settings):
    cls, key, secret, shop, _ = CHANNEL_APIS[channel]
    return cls(base_url=f"{sim.url}/{channel}", app_key=key, app_secret=secret, shop_id=shop, **settings)


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat()


@pytest.mark.parametrize("channel", ["taobao", "douyin", "pdd", "jd"])
def test_a_token_close_to_expiry_is_refreshed_before_the_call_and_stored(sim, channel):
    pair = tokens(sim, channel, action="issue", expires_in=1800)  # 30 minutes left: a refresh is due
    settings = dict(
        access_token=pair["access_token"],
        token_expires_at=iso(pair["expires_at"]),
        refresh_token=pair["refresh_token"],
        refresh_token_expires_at=iso(pair["refresh_expires_at"]),
    )
    api, calls = api_for(sim, channel, **settings), CallLog()
    api.probe(calls)
    stored = api.store().get(channel, api.shop_id)
    assert stored.access_token != pair["access_token"] and stored.origin == fingerprint(pair["access_token"])
    assert stored.expires_at > datetime.now(UTC) + timedelta(days=6)
    assert api.authorization_ok and api.authorization_failure is None
    # a later process with the same (old) configuration uses the refreshed token from the file
    assert api_for(sim, channel, **settings).current_token().access_token == stored.access_token
    mode = stat.S_IMODE(os.stat(api.store().path).st_mode)
    assert mode == 0o600


def test_douyin_refresh_earlier_than_the_last_hour_returns_the_same_tokens(sim):
    pair = tokens(sim, "douyin", action="issue", expires_in=3 * 3600)
    api = api_for(sim, "douyin", access_token=pair["access_token"], refresh_token=pair["refresh_token"])
    assert api.refresh_now(CallLog()).access_token == pair["access_token"]  # token.refresh's documented rule


@pytest.mark.parametrize("channel", ["taobao", "pdd"])
def test_an_expired_token_is_refreshed_once_on_the_platforms_refusal(sim, channel):
    pair = tokens(sim, channel, action="issue")
    tokens(sim, channel, action="expire", token=pair["access_token"])  # expired, expiry unknown to OrderHub
    api = api_for(sim, channel, access_token=pair["access_token"], refresh_token=pair["refresh_token"])
    calls = CallLog()
    api.probe(calls)
    assert api.authorization_failure is None and calls.records[0].ok  # the refusal is a 200 body, then refresh
    assert api.current_token().access_token != pair["access_token"]


def test_a_used_refresh_token_cannot_refresh_again_and_the_shop_asks_for_re_authorization(sim):
    pair = tokens(sim, "pdd", action="issue")
    first = api_for(sim, "pdd", access_token=pair["access_token"], refresh_token=pair["refresh_token"])
    first.refresh_now(CallLog())
    first.store().put("pdd", first.shop_id, None)  # forget the refreshed pair: back to the configured one
    tokens(sim, "pdd", action="revoke", token=pair["access_token"])
    api = api_for(sim, "pdd", access_token=pair["access_token"], refresh_token=pair["refresh_token"])
    with pytest.raises(AuthorizationError, match="10019.*re-authorize"):
        api.probe(CallLog())
    assert api.current_token().invalid_reason.startswith("platform error 10019")


@pytest.mark.parametrize("channel", ["taobao", "douyin", "pdd", "jd"])
def test_an_authorization_code_is_exchanged_and_stored(sim, channel):
    code = tokens(sim, channel, action="code")["code"]
    api = api_for(sim, channel, access_token="")
    token = api.authorize(code, CallLog())
    assert token.access_token and token.expires_at is not None and token.refresh_token
    assert api.current_token().access_token == token.access_token
    api.probe(CallLog())
    with pytest.raises(Exception, match="code"):  # a code is used once
        api_for(sim, channel, access_token="").authorize(code, CallLog())


def test_a_newly_configured_token_wins_over_the_stored_successor_of_the_old_one():
    stored = ShopToken(access_token="refreshed", origin=fingerprint("old"), source="secrets file")
    assert effective(ShopToken(access_token="old"), stored).access_token == "refreshed"
    assert effective(ShopToken(access_token="re-authorized"), stored).access_token == "re-authorized"
    mark = ShopToken(origin=fingerprint("old"), invalid_at=datetime.now(UTC), invalid_reason="27")
    assert effective(ShopToken(access_token="old"), mark).invalid_reason == "27"


def test_the_store_keeps_other_shops_and_never_holds_a_configured_secret(tmp_path):
    store = TokenStore(tmp_path / "s" / "shops.json")
    store.put("douyin", "a", ShopToken(access_token="file-token", source="secrets file"))
    store.mark_invalid("pdd", "b", ShopToken(access_token="env-secret", source="environment"), "10019")
    text = store.path.read_text(encoding="utf-8")
    assert "env-secret" not in text and json.loads(text)["shops"]["douyin:a"]["access_token"] == "file-token"


def test_orderhub_shops_lists_state_and_expiry(sim, monkeypatch):
    from cli.main import main

    monkeypatch.setenv("ORDERHUB_SIMULATOR_URL", sim.url)
    pair = tokens(sim, "douyin", action="issue", expires_in=600)
    monkeypatch.setenv("ORDERHUB_DOUYIN_ACCESS_TOKEN", pair["access_token"])
    monkeypatch.setenv("ORDERHUB_DOUYIN_TOKEN_EXPIRES_AT", str(pair["expires_at"]))
    monkeypatch.setenv("ORDERHUB_DOUYIN_REFRESH_TOKEN", pair["refresh_token"])
    out = CliRunner().invoke(main, ["shops", "--json"])
    assert out.exit_code == 0, out.output
    rows = {r["channel"]: r for r in json.loads(out.output)}
    assert rows["douyin"]["state"] == "refresh due" and rows["douyin"]["token"] == "environment"
    assert rows["taobao"]["state"] == "ok" and rows["taobao"]["token"] == "simulator demo token"
    assert CliRunner().invoke(main, ["shops", "refresh"]).exit_code == 0  # refreshes the one that is due
    again = {r["channel"]: r for r in json.loads(CliRunner().invoke(main, ["shops", "--json"]).output)}
    assert again["douyin"]["state"] == "ok" and again["douyin"]["token"] == "secrets file"
    monkeypatch.setenv("ORDERHUB_PDD_ACCESS_TOKEN", "revoked-or-unknown")
    check = CliRunner().invoke(main, ["shops", "check", "pdd"])
    assert check.exit_code == 1 and "re-authorize" in check.output
    table = CliRunner().invoke(main, ["shops"]).output
    assert "re-authorize" in table and "refused" in table and "revoked-or-unknown" not in table


def test_a_token_that_will_lapse_without_refresh_warns_ahead(orderhub_home):
    from orderhub.sources.authorization import sync_reauthorize_alerts
    from orderhub.warehouse import connect

    soon = (datetime.now(UTC) + timedelta(days=2)).isoformat()  # TOP 商家后台 apps: fixed-length, no refresh
    api = api_for_url("http://unused", "taobao", access_token="t", token_expires_at=soon)
    con = connect(orderhub_home.target)
    sync_reauthorize_alerts(con, [api], asset="raw.channel_orders")
    kind, message = con.execute("select kind, message from ops.alerts where resolved_at is null").fetchone()
    assert kind == "token_expiry" and "cannot be refreshed" in message and "re-authorize" in message
    later = api.model_copy(update={"token_expires_at": (datetime.now(UTC) + timedelta(days=80)).isoformat()})
    sync_reauthorize_alerts(con, [later], asset="raw.channel_orders")  # the seller re-authorized
    assert con.execute("select count(*) from ops.alerts where resolved_at is null").fetchone()[0] == 0


def api_for_url(url: str, channel: str, **settings):
    cls, key, secret, shop, _ = CHANNEL_APIS[channel]
    return cls(base_url=f"{url}/{channel}", app_key=key, app_secret=secret, shop_id=shop, **settings)
