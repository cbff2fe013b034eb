"""Contract tests per call: each connector against responses shaped after the platform's documentation
(tests/sources/contracts/<platform>.json: field names, codes and required parameters from the docs, values
invented here). A request must carry what the docs require, the seller's token and the platform's transport;
the documented response must standardize through the shipped mappings; the documented error bodies must be
told apart (throttle retried, token refused -> re-authorize, the rest failed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pandas as pd
import pytest
from contract_replay import BASE, Replay, contract

from orderhub.after_sales.compiler import CANONICAL_COLUMNS, ticket_sql
from orderhub.after_sales.loader import load_ticket_mapping
from orderhub.after_sales.personal import record_text
from orderhub.calllog import CallLog
from orderhub.ingest.landing import land
from orderhub.sources import errors
from orderhub.warehouse import connect
from resources.channels import AuthorizationError, DouyinApi, JdApi, PddApi, TaobaoApi

CLASSES = {"taobao": TaobaoApi, "douyin": DouyinApi, "pdd": PddApi, "jd": JdApi}
T0 = datetime(2026, 11, 11, tzinfo=UTC)
TOKEN_PARAM = {"taobao": "session", "douyin": "access_token", "pdd": "access_token", "jd": "access_token"}
ID_KEY = {"taobao": "tid_str", "douyin": "order_id", "pdd": "order_sn", "jd": "orderId"}


def connector(channel: str, replay: Replay, sleeps: list | None = None):
    api = CLASSES[channel](base_url=f"{BASE}/{channel}", app_key="k", app_secret="s", access_token="seller-token")
    return api.with_transport(replay.session_factory, (sleeps if sleeps is not None else []).append)


def run_everything(channel: str) -> tuple[Replay, dict]:
    """Orders, after-sales, listed stock, a stock push and a write-back: every call the connector makes."""
    replay = Replay(channel)
    api, calls = connector(channel, replay), CallLog()
    out = {"orders": api.fetch_orders(T0, T0 + timedelta(minutes=20), calls)}
    if "after_sales" in api.capabilities:
        out["after_sales"] = api.fetch_after_sales(T0, T0 + timedelta(minutes=20), calls)
        out["listed"] = api.list_stock(calls)
        out["pushed"] = api.push_stock([{"channel_sku": out["listed"][0]["channel_sku"], "quantity": 5}], calls)
        api.confirm_shipment(str(out["orders"][0][ID_KEY[channel]]), "SF1234567890123", "SF", calls)
    assert all(r.ok for r in calls.records), [r.error for r in calls.records if not r.ok]
    return replay, out


@pytest.mark.parametrize("channel", ["taobao", "douyin", "pdd", "jd"])
def test_every_call_sends_what_its_documentation_requires(channel):
    replay, _ = run_everything(channel)
    spec = contract(channel)
    called = {r["endpoint"] for r in replay.requests}
    assert called == {k for k in spec if not k.startswith("_")}, "each documented call is made, and only those"
    for r in replay.requests:
        call = spec[r["endpoint"]]
        biz = r["business"]
        assert all(biz.get(name) not in (None, "") for name in call["required"]), (r["endpoint"], biz)
        assert not set(call.get("absent", [])) & set(biz), r["endpoint"]
        assert not call.get("one_of") or any(biz.get(n) not in (None, "") for n in call["one_of"])
        assert r["system"][TOKEN_PARAM[channel]] == "seller-token"
        for name, values in call.get("listed", {}).items():
            assert set(values) <= set(str(biz[name]).split(",")), (r["endpoint"], name)
        if channel == "douyin":  # system params in the URL, business params only in the JSON body
            assert {"app_key", "method", "timestamp", "v", "sign"} <= set(r["system"])
            assert r["content_type"] == "application/json" and not {"app_key", "sign"} & set(biz)


@pytest.mark.parametrize("channel", ["taobao", "douyin", "pdd", "jd"])
def test_documented_orders_standardize_through_the_shipped_mapping(channel, orderhub_home):
    _, out = run_everything(channel)
    con = connect(orderhub_home.target)
    res = land(con, source="api", channel=channel, shop_id="s1", mapping=f"{channel}_api", records=out["orders"])
    assert (res.quarantined, res.reasons) == (0, {}), res.reasons
    facts = {
        f"{channel}:{oid}": [status, list(skus)]
        for oid, status, skus in con.execute(
            "select channel_order_id, status, line_sku from raw.channel_order_facts"
        ).fetchall()
    }
    assert facts == contract(channel)[next(iter(_order_call(channel)))]["expect"]
    # personal data stays out: only the clear province and city are standardized
    provinces = con.execute(
        "select list(receiver_province), list(receiver_city) from raw.channel_order_facts"
    ).fetchone()
    assert not any("~" in str(v) or "*" in str(v) for v in provinces[0] + provinces[1])


def _order_call(channel: str) -> dict:
    spec = contract(channel)
    return {k: v for k, v in spec.items() if "expect" in v and "refund" not in k and "after" not in k.lower()}


@pytest.mark.parametrize("channel", ["taobao", "douyin", "pdd", "jd"])
def test_documented_after_sales_standardize_through_the_shipped_mapping(channel):
    _, out = run_everything(channel)
    con = duckdb.connect()
    # as land_tickets stages them (without the personal-data split: this compares the compiled mapping)
    incoming_raw = pd.DataFrame(  # noqa: F841 - used in SQL
        [(channel, record_text(r)) for r in out["after_sales"]], columns=["channel", "record"]
    )
    con.execute(
        "create temp table incoming as"
        " select channel, cast(record as json) as record, sha256(record) as content_hash from incoming_raw"
    )
    rows = [
        dict(zip(CANONICAL_COLUMNS, r))
        for r in con.execute(ticket_sql(load_ticket_mapping(f"{channel}_api"))).fetchall()
    ]
    got = {r["ticket_code"]: [r["ticket_type"], r["outcome"], r["is_exchange"]] for r in rows}
    spec = next(v for k, v in contract(channel).items() if "refund" in k or "after" in k.lower())
    assert got == spec["expect"]
    for code, fen in spec.get("refund_fen", {}).items():  # PDD: refund_amount is 元 text; JD: applyRefundSum in fen
        assert next(r["refund_fen"] for r in rows if r["ticket_code"] == code) == fen


@pytest.mark.parametrize("channel", ["taobao", "douyin", "pdd", "jd"])
@pytest.mark.parametrize("kind", ["throttle", "token", "retryable", "permanent"])
def test_documented_error_bodies_are_told_apart(channel, kind):
    body = contract(channel)["_errors"][kind]
    classify = {
        "taobao": errors.classify_taobao,
        "douyin": errors.classify_douyin,
        "pdd": errors.classify_pdd,
        "jd": errors.classify_jd,
    }[channel]
    assert classify(body).kind == kind
    if channel == "taobao" and kind == "throttle":
        assert classify(body).wait_s == 12  # "This ban will last for 12 more seconds"


@pytest.mark.parametrize("channel", ["taobao", "douyin", "pdd", "jd"])
def test_a_throttle_body_is_waited_out_and_retried(channel):
    replay, sleeps = Replay(channel), []
    replay.script = [contract(channel)["_errors"]["throttle"]] * 2
    api, calls = connector(channel, replay, sleeps), CallLog()
    records = api.fetch_orders(T0, T0 + timedelta(minutes=20), calls)
    assert records and [r.ok for r in calls.records] == [False, False, True]
    assert all(r.http_status == 200 and r.error.startswith("throttle") for r in calls.records[:2])
    assert all(s >= (12 if channel == "taobao" else 1) for s in sleeps)  # TOP's ban time; else at least 1 s


@pytest.mark.parametrize("channel", ["taobao", "douyin", "pdd", "jd"])
def test_a_refused_token_stops_the_shop_with_re_authorize(channel):
    replay = Replay(channel)
    replay.script = [contract(channel)["_errors"]["token"]]
    api, calls = connector(channel, replay), CallLog()
    with pytest.raises(AuthorizationError, match="re-authorize") as err:
        api.fetch_orders(T0, T0 + timedelta(minutes=20), calls)
    assert contract(channel)["_errors"]["token"] and api.authorization_failure in str(err.value)
    asked = len(replay.requests)
    with pytest.raises(AuthorizationError):  # every later call fails fast, without a request
        api.fetch_orders(T0, T0 + timedelta(minutes=20), calls)
    assert len(replay.requests) == asked == 1
    token = api.current_token()
    assert token.invalid_at is not None and token.invalid_reason == api.authorization_failure
