"""After-sales YAML mappings against the SQL they replace: the same records give the same canonical rows.

The comparison runs the mappings as they were when they replaced that SQL (frozen in fixtures/after_sales_v0:
record shapes and codes of the simulator of the time). The shipped mappings have since moved to the
platforms' documented fields and codes (issue 15); test_inv_after_sales_contract.py covers those."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from as_legacy_sql import CHANNEL_SQL, CS_SQL
from as_records import varied
from inv_fixtures import NOW, add_order, connect

from orderhub import warehouse
from orderhub.after_sales import tickets
from orderhub.after_sales.compiler import CANONICAL_COLUMNS, ticket_sql
from orderhub.after_sales.loader import all_ticket_mappings, parse_ticket_mapping
from orderhub.after_sales.personal import record_text

COLS = ", ".join(CANONICAL_COLUMNS)
V0 = Path(__file__).resolve().parent / "fixtures" / "after_sales_v0"


def _v0_selects() -> list[str]:
    mappings = list(all_ticket_mappings(V0).values())
    groups = ([m for m in mappings if not m.own_code], [m for m in mappings if m.own_code])
    return [" union all ".join(f"select * from ({ticket_sql(m)})" for m in group) for group in groups if group]


def _con(feeds: dict[str, list[dict]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")  # as warehouse.connect: naive ISO times of the CS form read as UTC
    # as land_tickets stages them, without the personal-data split (these tests compare the compiled mappings)
    incoming_raw = pd.DataFrame(  # noqa: F841 - used in SQL
        [(feed, record_text(r)) for feed, records in feeds.items() for r in records], columns=["channel", "record"]
    )
    con.execute(
        "create temp table incoming as"
        " select channel, cast(record as json) as record, sha256(record) as content_hash from incoming_raw"
    )
    return con


def _legacy(con) -> list[tuple]:
    return con.execute(f"select {COLS} from ({CHANNEL_SQL}) union all select {COLS} from ({CS_SQL})").fetchall()


def _compiled(con, mappings=None) -> list[tuple]:
    mappings = mappings or all_ticket_mappings(V0)
    return con.execute(" union all ".join(f"select * from ({ticket_sql(m)})" for m in mappings.values())).fetchall()


def test_compiled_mappings_give_the_rows_of_the_old_sql():
    feeds = {feed: varied(feed, 600) for feed in ("taobao", "douyin", "pdd", "cs")}
    con = _con(feeds)
    old, new = _legacy(con), _compiled(con)
    assert len(old) == 2400
    assert Counter(new) == Counter(old)
    # the records reach every branch the comparison is meant to cover
    col = {c: {r[i] for r in old} for i, c in enumerate(CANONICAL_COLUMNS)}
    assert col["outcome"] == {"open", "success", "withdrawn", "resolved", None}
    assert {"wrong_item", "wrong_address", "damaged", "return", "refund_only", None, "DAMAGED"} <= col["ticket_type"]
    assert {True, False, None} == col["is_exchange"]
    assert None in col["refund_fen"] and {1990, -150, 500, 990, 0} <= col["refund_fen"]
    assert None in col["created_at"] and datetime(2026, 11, 20, 2, tzinfo=UTC) in col["created_at"]
    assert datetime.fromtimestamp(1763600000, UTC) in col["created_at"]
    assert {"cs_form", "wechat", "channel_api", ""} <= col["source"] and None in col["ticket_code"]
    by_reason = {(r[2], r[9], r[4]) for r in old}
    assert ("douyin", "发错货", "wrong_item") in by_reason and ("pdd", "地址错了，而且破损", "damaged") in by_reason
    assert ("taobao", "发错货", "refund_only") in by_reason  # Taobao's dispute type is not overridden


RESOLVED = {  # closed by a refund, by an exchange's reshipment, by the channel refund of its order; resolved
    "taobao": [
        {
            "refund_id": 900,
            "tid": "100",
            "refund_fee": "19.90",
            "dispute_type": "REFUND",
            "status": "SUCCESS",
            "created": "2026-11-20 09:00:00",
            "modified": "2026-11-20 09:30:00",
        }
    ],
    "douyin": [
        {
            "aftersale_id": "D900",
            "order_id": "200",
            "aftersale_type": 2,
            "aftersale_status": 12,
            "refund_amount": 990,
            "reason_text": "尺码不对",
            "create_time": 1763600000,
            "update_time": 1763601000,
        }
    ],
    "pdd": [
        {
            "id": 901,
            "order_sn": "100",
            "after_sales_type": 2,
            "after_sales_status": 10,
            "refund_amount": 0,
            "created_time": "2026-11-20 09:00:00",
            "updated_time": "2026-11-20 09:10:00",
        }
    ],
    "cs": [
        {
            "ticket_code": "CS-900",
            "source": "email",
            "channel": "taobao",
            "channel_order_id": "100",
            "ticket_type": "damaged",
            "status": "closed",
            "created_at": "2026-11-20T01:00:00Z",
            "updated_at": "2026-11-20T02:00:00Z",
        }
    ],
}


def _land_twice(con, seeds: tuple[int, int]) -> tuple[list, list, list]:
    for channel in ("taobao", "douyin", "pdd"):
        for order in ("100", "200"):
            add_order(con, f"{channel}:{order}")
    counts = [
        tickets.land_tickets(
            con,
            {f: varied(f, 300, seed) + RESOLVED[f] * (seed == seeds[0]) for f in RESOLVED},
            NOW,
            batch_id=f"b{seed}",
        )
        for seed in seeds
    ]
    return (
        counts,
        con.execute("select * from hub.after_sales_tickets order by ticket_code").fetchall(),
        con.execute("select * from hub.quarantine order by quarantine_id").fetchall(),
    )


def test_landing_with_the_mappings_stores_and_quarantines_as_before(orderhub_home, monkeypatch):
    """Two landings of varied records (many versions of few ticket codes, linked and unknown orders): the
    tickets, their statuses and refund records, the quarantine rows and the counts equal the old SQL's."""
    monkeypatch.setattr(tickets, "stage_selects", _v0_selects)
    new = _land_twice(connect(), (1, 2))
    monkeypatch.setattr(tickets, "stage_selects", lambda: [CHANNEL_SQL, CS_SQL])
    old = _land_twice(warehouse.connect(orderhub_home.warehouse.parent / "legacy.duckdb"), (1, 2))
    assert new == old
    counts, stored, quarantined = old
    assert all(c["stored"] and c["quarantined"] and c["superseded"] for c in counts)
    assert {r[6] for r in stored} == {"open", "resolved", "closed", "withdrawn"}
    assert {r[6] for r in quarantined} == {
        "missing_field",
        "unknown_type",
        "unknown_status",
        "bad_timestamp",
        "unknown_order",
    }


# Inputs where the order mappings' exact parses (reused by the after-sales mappings) differ from the lenient
# casts of the old SQL: (feed, field, value, column, old value, new value). None of them is what a platform
# sends; each is pinned here so that the difference is a decision, not an accident.
T = datetime(2026, 11, 20, 2, tzinfo=UTC)
DIFFERENCES = [
    ("taobao", "refund_fee", "19.999", "refund_fen", 2000, None),  # old rounded a third decimal away
    ("taobao", "refund_fee", "19.", "refund_fen", 1900, None),
    ("taobao", "refund_fee", ".5", "refund_fen", 50, None),
    ("taobao", "refund_fee", "1e2", "refund_fen", 10000, None),
    ("taobao", "refund_fee", "1_000", "refund_fen", 100000, None),
    ("taobao", "refund_fee", "\t19.90\n", "refund_fen", 1990, None),  # DuckDB's trim strips spaces, not tabs
    ("taobao", "refund_fee", "\u300019.90", "refund_fen", None, 1990),  # ... but does strip U+3000
    ("douyin", "refund_amount", "990.5", "refund_fen", 991, None),  # fen with a fraction: old rounded it
    ("douyin", "refund_amount", 990.0, "refund_fen", 990, None),
    ("douyin", "refund_amount", "1234567890123456", "refund_fen", 1234567890123456, None),
    ("taobao", "created", "+1763600000", "created_at", datetime.fromtimestamp(1763600000, UTC), None),
    ("taobao", "created", "-5", "created_at", datetime.fromtimestamp(-5, UTC), None),
    ("douyin", "create_time", 1763600000.0, "created_at", datetime.fromtimestamp(1763600000, UTC), None),
    ("douyin", "create_time", "0x10", "created_at", datetime.fromtimestamp(16, UTC), None),
    # epoch milliseconds read as seconds (beyond Python's datetime: DuckDB returns the text)
    ("douyin", "create_time", 1763600000000, "created_at", "57856-04-05 00:53:20+00", None),
    ("pdd", "created_time", "\u30002026-11-20 10:00:00", "created_at", None, T),
    ("cs", "created_at", "\u30002026-11-20T02:00:00Z", "created_at", None, T),
    # Beijing summer time (1986-1991): the order parses use the fixed +08:00 of every later date
    (
        "pdd",
        "created_time",
        "1988-07-01 12:00:00",
        "created_at",
        datetime(1988, 7, 1, 3, tzinfo=UTC),
        datetime(1988, 7, 1, 4, tzinfo=UTC),
    ),
]


@pytest.mark.parametrize("feed, field, value, column, old, new", DIFFERENCES)
def test_known_differences_from_the_old_sql(feed, field, value, column, old, new):
    con = _con({feed: [{**varied(feed, 1)[0], field: value}]})
    i = CANONICAL_COLUMNS.index(column)
    (old_row,), (new_row,) = _legacy(con), _compiled(con)
    assert (old_row[i], new_row[i]) == (old, new)
    assert old_row[:i] + old_row[i + 1 :] == new_row[:i] + new_row[i + 1 :]  # only that column differs


def test_an_out_of_range_epoch_no_longer_fails_the_whole_batch():
    con = _con({"douyin": [{**varied("douyin", 1)[0], "update_time": 17636000000000}]})
    with pytest.raises(duckdb.ConversionException):
        _legacy(con)
    assert _compiled(con)[0][CANONICAL_COLUMNS.index("updated_at")] is None  # quarantined as bad_timestamp


LINES = {
    "name": "douyin_lines",
    "feed": "douyin",
    "channel": "douyin",
    "source": "channel_api",
    "money": "fen",
    "time": {"format": "epoch_s"},
    "lines": "sku_list",
    "ticket": {
        "platform_id": {"line": "line_aftersale_id"},
        "channel_order_id": "order_id",
        "refund_fen": {"line": "refund_amount"},
        "reason": "reason_text",
        "created_at": "create_time",
        "updated_at": {"line": "update_time"},
    },
    "status": {"line": "status", "map": {"6": "open", "12": "success", "16": "success"}},
    "type": {
        "path": "aftersale_type",
        "map": {"1": "refund_only"},
        "reason_rules": [{"type": "damaged", "keywords": ["破损"]}],
    },
    "exchange": [{"line": "kind", "equals": ["exchange"]}, {"line": "status", "equals": 16}],
}


def test_lines_give_one_ticket_per_element():
    """Per-SKU after-sales (a later Douyin format): one ticket per line, line-level codes, any-of exchange."""
    m = parse_ticket_mapping(LINES, "douyin_lines")
    rec = {
        "order_id": "200",
        "aftersale_type": 1,
        "reason_text": "不想要了",
        "create_time": 1763600000,
        "sku_list": [
            {"line_aftersale_id": "L1", "refund_amount": 500, "status": 6, "update_time": 1763600100},
            {
                "line_aftersale_id": "L2",
                "refund_amount": "x",
                "status": 12,
                "update_time": 1763600200,
                "kind": "exchange",
            },
            {"line_aftersale_id": "L3", "refund_amount": 0, "status": 16, "update_time": 1763600300},
        ],
    }
    empty = {"order_id": "201", "aftersale_type": 1, "reason_text": "破损", "sku_list": []}
    con = _con({"douyin": [rec, empty]})
    rows = sorted(_compiled(con, {"m": m}), key=lambda r: (r[0] is None, str(r[0])))
    got = [(r[0], r[3], r[4], r[6], r[7], r[8], r[11]) for r in rows]
    assert got == [
        ("douyin:L1", "200", "refund_only", "open", 500, None, datetime.fromtimestamp(1763600100, UTC)),
        ("douyin:L2", "200", "refund_only", "success", None, True, datetime.fromtimestamp(1763600200, UTC)),
        ("douyin:L3", "200", "refund_only", "success", 0, True, datetime.fromtimestamp(1763600300, UTC)),
        (None, "201", "damaged", None, None, None, None),  # no lines: one row, quarantined by the landing
    ]
