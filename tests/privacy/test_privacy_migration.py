"""A warehouse landed before the personal-data split is tokenized in place on connect (step personal_data_to_tokens):
raw, facts, buyer keys, history and quarantine follow, and a rebuild afterwards changes nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ingest"))
from ingest_kit import SOURCES, land_fixture, rebuild, snapshot
from ticket_kit import TICKET_VALUES, land_tickets_with_personal_data

from orderhub import migrate
from orderhub.after_sales import personal
from orderhub.ingest import landing
from orderhub.privacy import store
from orderhub.privacy.split import Protected

pytestmark = pytest.mark.both_backends  # warehouse-facing: the DuckDB file and the lake (tests/conftest.py)

CLEAR = ("13812345678", "王小明", "0571-88888888", "莫干山路 1 号", "买家甲", "钱五")


def _land_in_clear(con, monkeypatch) -> None:
    def no_split(con, incoming_sql, mapping, safety_net=True):
        con.execute("create or replace temp table _pii_suspects (seq bigint, kinds varchar[])")
        return Protected(incoming_sql, 0, 0, 0)

    with monkeypatch.context() as m:
        m.setattr(landing, "protect", no_split)
        for mapping in SOURCES:
            land_fixture(con, mapping)
    rebuild(con)


def _raw_text(con) -> str:
    return " ".join(
        r[0]
        for q in (
            "select record::varchar from raw.channel_orders",
            "select coalesce(buyer_id, '') from raw.channel_order_facts",
            "select coalesce(record::varchar, '') from hub.quarantine",
        )
        for r in con.execute(q).fetchall()
    )


def test_clear_records_are_tokenized_and_every_reference_follows(con, monkeypatch):
    _land_in_clear(con, monkeypatch)
    assert all(v in _raw_text(con) for v in CLEAR)  # the old shape really holds them
    counts = con.execute(
        "select (select count(*) from raw.channel_orders), (select count(*) from raw.channel_order_facts),"
        " (select count(*) from hub.orders), (select count(distinct buyer_key) from hub.orders),"
        " (select count(*) from hub.quarantine)"
    ).fetchone()
    con.execute("delete from ops.schema_migrations where step = 'personal_data_to_tokens'")

    assert migrate.upgrade(con) == ["personal_data_to_tokens"]

    text = _raw_text(con)
    assert not [v for v in CLEAR if v in text]
    assert con.execute(f"select count(*) from {store.TABLE} where value = '13812345678'").fetchone() == (1,)
    assert (
        con.execute(
            "select (select count(*) from raw.channel_orders), (select count(*) from raw.channel_order_facts),"
            " (select count(*) from hub.orders), (select count(distinct buyer_key) from hub.orders),"
            " (select count(*) from hub.quarantine)"
        ).fetchone()
        == counts
    )
    # history and quarantine point at the new hashes; a rebuild from the tokenized raw changes nothing
    assert con.execute(
        "select count(*) from hub.order_status_history where content_hash not in "
        "(select content_hash from raw.channel_orders)"
    ).fetchone() == (0,)
    assert con.execute(
        "select count(*) from hub.quarantine where entity = 'order' and content_hash not in "
        "(select content_hash::varchar from raw.channel_orders)"
    ).fetchone() == (0,)
    before = snapshot(con)
    rebuild(con)
    assert snapshot(con) == before
    again = land_fixture(con, "erp")  # redelivered: tokenized the same way, so it dedupes
    assert again.deduplicated == again.received
    assert migrate.upgrade(con) == []


def test_without_the_key_the_step_waits(con, monkeypatch):
    _land_in_clear(con, monkeypatch)
    con.execute("delete from ops.schema_migrations where step = 'personal_data_to_tokens'")
    monkeypatch.delenv("ORDERHUB_PII_SALT")
    assert migrate.upgrade(con) == []
    assert not con.execute(
        "select count(*) from ops.schema_migrations where step = 'personal_data_to_tokens'"
    ).fetchone()[0]


def _ticket_text(con) -> str:
    return " ".join(
        r[0]
        for q in (
            "select record::varchar from hub.quarantine where entity = 'ticket'",
            "select coalesce(reason, '') from hub.after_sales_tickets",
        )
        for r in con.execute(q).fetchall()
    )


def test_after_sales_payloads_stored_in_clear_are_tokenized_and_dedupe_afterwards(con, monkeypatch):
    for mapping in SOURCES:
        land_fixture(con, mapping)
    rebuild(con)
    with monkeypatch.context() as m:  # tickets landed by a version without the split
        m.setattr(personal, "protect", lambda con, sql, mapping: Protected(sql, 0, 0, 0))
        land_tickets_with_personal_data(con)
    assert all(v in _ticket_text(con) for v in TICKET_VALUES)
    rows = con.execute("select count(*) from hub.quarantine where entity = 'ticket'").fetchone()
    con.execute("delete from ops.schema_migrations where step = 'ticket_personal_data_to_tokens'")

    assert migrate.upgrade(con) == ["ticket_personal_data_to_tokens"]

    text = _ticket_text(con)
    assert not [v for v in TICKET_VALUES if v in text] and "pii:phone:" in text
    assert set(TICKET_VALUES) <= set(store.values(con))
    counts = land_tickets_with_personal_data(con)  # read again today: tokenized the same way, no second row
    assert counts["quarantined"] == 3
    assert con.execute("select count(*) from hub.quarantine where entity = 'ticket'").fetchone() == rows
    assert migrate.upgrade(con) == []
