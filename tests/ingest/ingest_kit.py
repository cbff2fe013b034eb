"""Helpers shared by the ingest tests (imported by name: tests/ingest is on sys.path under pytest)."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

from orderhub.ingest.landing import land
from orderhub.standardize.hub import build_hub

FIXTURES = Path(__file__).parent / "fixtures"
ALL_DAYS = (date(2020, 1, 1), date(2030, 12, 31))
SALT = "test-salt"

SOURCES = {  # mapping -> (source, channel, shop)
    "taobao_api": ("api", "taobao", "tb-flagship"),
    "douyin_api": ("api", "douyin", "dy-official"),
    "pdd_api": ("api", "pdd", "pdd-store"),
    "erp": ("erp", "erp", None),
    "taobao_export": ("file", "taobao", None),
}


def payloads(name: str) -> list[dict]:
    """Recorded payloads (shapes per simulator/API.md), including deliberately broken records."""
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def land_fixture(con, mapping: str, records: list[dict] | None = None, **kw):
    source, channel, shop = SOURCES[mapping]
    return land(
        con,
        source=source,
        channel=channel,
        shop_id=shop,
        mapping=mapping,
        records=payloads(mapping) if records is None else records,
        **kw,
    )


def rebuild(con):
    return build_hub(con, *ALL_DAYS, SALT)


def snapshot(con) -> dict[str, list[tuple]]:
    """Hub tables as sorted tuples (ingested_at included: it must be deterministic too)."""
    return {
        t: con.execute(f"select * from {t} order by all").fetchall()
        for t in ("hub.orders", "hub.order_lines", "hub.order_status_history")
    }


def taobao_trade(tid: str, status: str, modified: str, **extra) -> dict:
    """A valid Taobao trade (copied from the recorded payload) with the given id/status/modified time."""
    t = copy.deepcopy(payloads("taobao_api")[0])
    t.update(tid=int(tid), tid_str=tid, status=status, modified=modified, **extra)
    for line in t["orders"]["order"]:
        line["status"] = status
    return t
