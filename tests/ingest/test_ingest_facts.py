"""raw.channel_order_facts is a cache of raw: missing, stale or orphaned facts never change the hub."""

from __future__ import annotations

from ingest_kit import land_fixture, rebuild, snapshot

from orderhub.standardize.facts import FACT_COLUMNS
from orderhub.standardize.moves import ledger


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


def test_a_record_the_current_mapping_rejects_is_quarantined_and_counted_not_a_gap(con):
    _land_all(con)
    before = ledger(con)
    con.execute("delete from raw.channel_order_facts where mapping = 'erp'")
    con.execute("update raw.channel_orders set record = '{}' where mapping = 'erp' and quarantine_reason is null")
    rebuild(con)
    assert con.execute("select count(*) from hub.orders where channel = 'erp'").fetchone()[0] == 0
    moved = con.execute("select kind, mapping, to_quarantine, to_stored from ops.quarantine_moves").fetchall()
    assert moved == [("restandardize", "erp", 1, 0)]
    open_rows = con.execute(
        "select reason from hub.quarantine where channel = 'erp' and resolved_at is null order by 1"
    ).fetchall()
    assert open_rows == [("bad_amount",), ("missing_field",)]  # the one landed quarantined, and this one
    after = ledger(con)
    assert (after["stored"], after["quarantined"]) == (before["stored"] - 1, before["quarantined"] + 1)
    assert (after["stored"], after["quarantined"]) == (after["raw_stored"], after["raw_quarantined"])


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
