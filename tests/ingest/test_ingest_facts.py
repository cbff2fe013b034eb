"""raw.channel_order_facts is a cache of raw: missing, stale or orphaned facts never change the hub."""

from __future__ import annotations

import pytest
from ingest_kit import land_fixture, rebuild, snapshot

from orderhub.standardize.facts import FACT_COLUMNS


def _land_all(con):
    for name in ("taobao_api", "douyin_api", "pdd_api", "erp", "taobao_export"):
        land_fixture(con, name)


def _facts(con) -> list[tuple]:
    return con.execute(f"select {FACT_COLUMNS} from raw.channel_order_facts order by content_hash").fetchall()


def test_landing_writes_one_fact_per_standardizable_raw_row(con):
    _land_all(con)
    raw = con.execute(
        "select content_hash from raw.channel_orders where quarantine_reason is null order by 1"
    ).fetchall()
    assert raw and [f[:1] for f in _facts(con)] == raw


def test_missing_and_stale_facts_are_restandardized_from_raw(con):
    _land_all(con)
    rebuild(con)
    hub, facts = snapshot(con), _facts(con)
    con.execute("delete from raw.channel_order_facts where mapping = 'taobao_api'")  # e.g. an older warehouse
    con.execute("update raw.channel_order_facts set mapping_version = 'old', total_fen = -1 where mapping = 'erp'")
    rebuild(con)
    assert snapshot(con) == hub and _facts(con) == facts


def test_a_record_the_current_mapping_rejects_is_an_error_not_a_gap(con):
    _land_all(con)
    con.execute("delete from raw.channel_order_facts where mapping = 'erp'")
    con.execute("update raw.channel_orders set record = '{}' where mapping = 'erp' and quarantine_reason is null")
    with pytest.raises(ValueError, match="no longer standardize"):
        rebuild(con)


def test_a_stale_fact_alone_is_restandardized(con):
    _land_all(con)
    facts = _facts(con)
    con.execute("update raw.channel_order_facts set mapping_version = 'old', total_fen = -1 where mapping = 'erp'")
    rebuild(con)  # same hashes on both sides: only the version says the facts are stale
    assert _facts(con) == facts


def test_an_orphaned_fact_is_dropped_and_a_missing_one_added_in_the_same_rebuild(con):
    _land_all(con)
    facts = _facts(con)
    (gone,) = con.execute("select min(content_hash) from raw.channel_order_facts where mapping = 'pdd_api'").fetchone()
    (kept,) = con.execute(
        "select min(content_hash) from raw.channel_order_facts where mapping = 'douyin_api'"
    ).fetchone()
    # counts still match after this: one raw row without a fact, one fact without a raw row
    con.execute("delete from raw.channel_orders where content_hash = ?", [gone])
    con.execute("delete from raw.channel_order_facts where content_hash = ?", [kept])
    rebuild(con)
    assert _facts(con) == [f for f in facts if f[0] != gone]
