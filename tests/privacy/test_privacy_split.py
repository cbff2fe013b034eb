"""Personal data leaves the record at landing: tokens in raw and quarantine, the values in the protected store,
and nothing analysts can open holds a name, phone or address (orderhub/privacy)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ingest"))
from ingest_kit import SOURCES, land_fixture, payloads, rebuild, taobao_trade
from ticket_kit import TICKET_VALUES, land_tickets_with_personal_data

from orderhub import analysts, publish, warehouse
from orderhub.ingest.replay import replay
from orderhub.privacy import scan, store
from orderhub.privacy.fields import declared
from orderhub.privacy.split import MissingKey


def _value(record: dict, path: tuple[str, ...]):
    for key in path:
        if not isinstance(record, dict) or key not in record:
            return None
        record = record[key]
    return record


def _declared_values(mapping: str) -> set[str]:
    """Every declared personal value of the fixture's records, as landing reads them."""
    out = set()
    for record in payloads(mapping):
        for f in declared(mapping):
            v = _value(record, f.path)
            if isinstance(v, str | int) and len(str(v).strip()) > 1:
                out.add(str(v).strip())
    return out


def _land_everything(con) -> None:
    for mapping in SOURCES:
        land_fixture(con, mapping)
    rebuild(con)
    counts = land_tickets_with_personal_data(con)
    assert (counts["stored"], counts["quarantined"], counts["personal_data_tokenized"]) == (2, 3, 2)


def _tokens(con) -> list[str]:
    text = " ".join(
        r[0]
        for r in con.execute(
            "select record::varchar from hub.quarantine"
            " union all select coalesce(reason, '') from hub.after_sales_tickets"
        ).fetchall()
    )
    return sorted(set(re.findall(r"pii:[a-z_]+:[0-9a-f]{20}", text)))


def test_raw_keeps_tokens_the_store_the_values_and_a_redelivery_dedupes(backend, orderhub_home):
    con = warehouse.connect()
    try:
        _land_everything(con)
        raw = " ".join(r[0] for r in con.execute("select record::varchar from raw.channel_orders").fetchall())
        values = set().union(*(_declared_values(m) for m in SOURCES))
        assert len(values) > 20
        assert not [v for v in values if v in raw]
        tokens = sorted(set(re.findall(r"pii:[a-z_]+:[0-9a-f]{20}", raw)))
        resolved = store.lookup(con, tokens)
        assert len(resolved) == len(tokens) and values <= set(resolved.values())
        assert "13812345678" in resolved.values() and "王小明" in resolved.values()
        (stored_values,) = con.execute(f"select count(*) from {store.TABLE}").fetchone()
        again = land_fixture(con, "taobao_api")
        assert again.deduplicated == again.received and again.stored == 0  # same record -> same tokens, same hash
        assert con.execute(f"select count(*) from {store.TABLE}").fetchone()[0] == stored_values
    finally:
        con.close()


def test_nothing_analysts_can_open_holds_personal_data(backend, orderhub_home):
    con = warehouse.connect()
    try:
        _land_everything(con)
        (quarantined,) = con.execute("select count(*) from hub.quarantine where entity = 'order'").fetchone()
        assert quarantined  # the fixtures' broken records: quarantine keeps their payloads, tokenized
        (tickets,) = con.execute("select count(*) from hub.quarantine where entity = 'ticket'").fetchone()
        assert tickets == 3  # tickets for unknown orders keep their payloads too, tokenized
        assert set(TICKET_VALUES) <= set(store.lookup(con, _tokens(con)).values())
    finally:
        con.close()
    if backend == "duckdb":
        publish.publish_now()
    view = analysts.connect()
    try:
        (catalog,) = view.execute("select current_database()").fetchone()
        known = store.values(view)
        assert len(known) > 20
        assert len(scan.text_columns(view, catalog)) > 50  # every schema analysts see: raw, hub, ops, kpi, ...
        assert scan.scan(view, catalog, known) == []
    finally:
        view.close()


def test_the_scan_finds_what_it_looks_for_and_ignores_tokens_and_digests(orderhub_home):
    import duckdb

    con = duckdb.connect()
    con.execute("create schema s")
    con.execute("create table s.t (note varchar, payload json, id varchar)")
    con.execute(
        """insert into s.t values
        ('call 13812345678 today', null, 'a'),
        (null, '{"to": "钱五", "n": 1}', 'b'),
        ('浙江省 杭州市 西湖区 文三路100号', null, 'c'),
        ('pii:phone:0a1b2c3d4e5f60718293 and digest 9f13812345678ab', '{"x": "pii:name:00ff"}', 'd')"""
    )
    found = {(f.column, f.kinds) for f in scan.scan(con, "memory", ["钱五"])}
    assert found == {("note", ("phone", "address")), ("payload", ("known value",))}


def test_a_phone_in_an_undeclared_field_is_tokenized_and_quarantined_until_declared(con, tmp_path, monkeypatch):
    trade = taobao_trade("4000000000000001", "WAIT_SELLER_SEND_GOODS", "2026-11-11 10:00:00")
    trade["gift_note"] = "请送到 13912345678 联系"
    result = land_fixture(con, "taobao_api", [trade])
    assert result.quarantined == 1 and result.reasons == {"personal_data": 1}
    (record, reason) = con.execute("select record::varchar, quarantine_reason from raw.channel_orders").fetchone()
    assert reason == "personal_data" and "13912345678" not in record and "pii:phone:" in record
    (q,) = con.execute("select record::varchar from hub.quarantine where reason = 'personal_data'").fetchone()
    assert "13912345678" not in q
    extra = tmp_path / "fields.yaml"
    extra.write_text(
        "taobao_api:\n"
        + "".join(f"  - {{path: {'.'.join(f.path)}, kind: {f.kind}}}\n" for f in declared("taobao_api"))
        + "  - {path: gift_note, kind: message}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("ORDERHUB_PERSONAL_FIELDS", str(extra))
    assert replay(con, mapping="taobao_api").to_stored == 1
    later = dict(trade, gift_note="请送到 13912345679 联系", modified="2026-11-11 11:00:00")
    assert land_fixture(con, "taobao_api", [later]).stored == 1  # declared now: tokenized, no quarantine


def test_landing_without_the_key_refuses_and_stores_nothing(con, monkeypatch):
    monkeypatch.delenv("ORDERHUB_PII_SALT")
    with pytest.raises(MissingKey, match="ORDERHUB_PII_SALT"):
        land_fixture(con, "erp")
    assert con.execute("select count(*) from raw.channel_orders").fetchone() == (0,)


def test_every_shipped_order_mapping_declares_its_personal_fields():
    import yaml

    from orderhub.snapshot import REPO

    names = {
        yaml.safe_load(p.read_text(encoding="utf-8"))["name"] for p in (REPO / "orderhub" / "mappings").glob("*.yaml")
    }
    assert names and not [n for n in sorted(names) if declared(n) is None]  # a new mapping: declare it (even [])


def test_the_split_rewrites_exactly_the_records_that_hold_personal_data(con):
    """Declared fields, the safety net, both, neither: each record comes out tokenized where it must be, and
    byte for byte as it came otherwise (its content hash, hence dedupe, depends on that)."""
    import json

    from orderhub.privacy.split import protect

    records = [
        {"tid": "1", "receiver_name": "张三", "receiver_mobile": "13812345678"},  # declared fields only
        {"tid": "2", "receiver_name": "李四", "gift_note": "call 13912345678"},  # declared + an undeclared phone
        {"tid": "3", "gift_note": "mail me at a.b@example.com"},  # the safety net only
        {"tid": "4", "title": "保温杯 500ml", "num": 2},  # nothing personal: left exactly as it came
    ]
    texts = [json.dumps(r, ensure_ascii=False, separators=(", ", ": ")) for r in records]  # not canonical spacing
    con.execute("create or replace temp table _t (seq bigint, record_text varchar, n_rows int)")
    con.executemany("insert into _t values (?, ?, 7)", [[i, t] for i, t in enumerate(texts)])
    out = protect(con, "select seq, record_text, n_rows from _t", "taobao_api")
    got = dict(con.execute(f"select seq, record_text from ({out.incoming_sql}) order by seq").fetchall())
    assert con.execute(f"select distinct n_rows from ({out.incoming_sql})").fetchall() == [(7,)]
    assert got[3] == texts[3]
    for seq, clear in ((0, "张三"), (0, "13812345678"), (1, "李四"), (1, "13912345678"), (2, "a.b@example.com")):
        assert clear not in got[seq] and "pii:" in got[seq]
    assert json.loads(got[2])["gift_note"].startswith("mail me at pii:email:")
    suspects = dict(con.execute("select seq, kinds from _pii_suspects").fetchall())
    assert suspects == {1: ["phone"], 2: ["email"]}
    assert out.values == 5  # 张三, 13812345678, 李四 + the safety net's phone and e-mail
