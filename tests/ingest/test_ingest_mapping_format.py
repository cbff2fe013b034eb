"""The mapping format of issue 14: ordered time formats, zones and business days per channel and shop,
currencies, signed amounts and the plausibility checks, SKUs by expression, group_by records, and mapping
errors caught when the mapping is loaded (not when data arrives)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import yaml
from ingest_kit import rebuild

from orderhub.ingest.landing import land
from orderhub.standardize.loader import load_mapping
from orderhub.standardize.mapping import MappingError

BASE = {
    "name": "shop_report",
    "channel": "bazaar",
    "source": "file",
    "default_shop_id": "bazaar-1",
    "time": {"format": ["%m-%d-%Y %H:%M", "%m-%d-%Y", "%m-%d-%y"]},
    "zone": "America/Sao_Paulo",
    "currency": "BRL",
    "order": {
        "channel_order_id": "id",
        "created_at": "date",
        "source_updated_at": {"compute": "created_at"},
        "total_fen": "total",
        "paid_fen": "paid",
        "freight_fen": {"path": "freight", "default": 0},
    },
    "status": {"path": "state", "map": {"ok": "paid", "done": "completed"}},
    "lines": {"path": "items", "channel_sku": "sku", "quantity": "qty", "unit_price_fen": "price"},
}


def mapping(tmp_path, monkeypatch, **changes) -> str:
    doc = {**BASE, **changes}
    folder = tmp_path / "my_mappings"
    folder.mkdir(exist_ok=True)
    (folder / f"{doc['name']}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("ORDERHUB_MAPPINGS_DIR", str(folder))
    return doc["name"]


def order(oid="A1", date_text="03-31-2022 10:00", total="10.00", paid="10.00", **extra) -> dict:
    rec = {"id": oid, "date": date_text, "total": total, "paid": paid, "state": "ok"}
    rec["items"] = [{"sku": "S1", "qty": "1", "price": total}]
    return {**rec, **extra}


def landed(con, name, records, shop=None):
    return land(con, source="file", channel="bazaar", shop_id=shop, mapping=name, records=records)


def reasons(con) -> dict[str, str]:
    return dict(con.execute("select record->>'$.id', reason from hub.quarantine where entity = 'order'").fetchall())


def test_an_ordered_list_of_formats_and_two_digit_years(con, tmp_path, monkeypatch):
    name = mapping(tmp_path, monkeypatch)
    res = landed(con, name, [order("A1", "03-31-2022 10:00"), order("A2", "03-31-22"), order("A3", "3-31-2022")])
    assert (res.stored, res.quarantined) == (3, 0), res.reasons
    rows = con.execute("select channel_order_id, created_at from raw.channel_order_facts order by 1").fetchall()
    # Sao Paulo is UTC-3: 10:00 local is 13:00 UTC; "03-31-22" is 2022 (not the year 22 of %m-%d-%Y)
    assert rows == [
        ("A1", datetime(2022, 3, 31, 13, tzinfo=UTC)),
        ("A2", datetime(2022, 3, 31, 3, tzinfo=UTC)),
        ("A3", datetime(2022, 3, 31, 3, tzinfo=UTC)),
    ]


def test_a_four_digit_year_format_never_reads_a_two_digit_year(con, tmp_path, monkeypatch):
    name = mapping(tmp_path, monkeypatch, time={"format": "%m-%d-%Y"})
    res = landed(con, name, [order("A1", "03-31-22")])
    assert res.reasons == {"bad_timestamp": 1}


def test_business_day_follows_the_shop_zone(con, tmp_path, monkeypatch):
    shops = {"bazaar-tokyo": {"zone": "Asia/Tokyo", "currency": "JPY"}}
    name = mapping(tmp_path, monkeypatch, shops=shops)
    landed(con, name, [order("B1", "10-02-2022 22:30", total="129.90", paid="129.90")])
    landed(con, name, [order("T1", "10-02-2022 22:30", total="1299", paid="1299")], shop="bazaar-tokyo")
    rebuild(con)
    rows = con.execute(
        "select order_id, order_date, created_at, paid_fen, currency from hub.orders order by 1"
    ).fetchall()
    assert rows == [
        # 22:30 in Sao Paulo is 01:30 UTC the next day: the business day is still Oct 2
        ("bazaar:B1", date(2022, 10, 2), datetime(2022, 10, 3, 1, 30, tzinfo=UTC), 12990, "BRL"),
        ("bazaar:T1", date(2022, 10, 2), datetime(2022, 10, 2, 13, 30, tzinfo=UTC), 1299, "JPY"),
    ]


def test_currency_per_record_with_its_minor_unit(con, tmp_path, monkeypatch):
    name = mapping(tmp_path, monkeypatch, currency={"path": "cur", "default": "BRL"})
    res = landed(
        con,
        name,
        [
            order("C1", total="1200", paid="1200", cur="JPY"),
            order("C2", total="12.50", paid="12.50", cur="JPY"),  # yen have no decimals
            order("C3", total="1.234", paid="1.234", cur="KWD"),  # dinar: three
            order("C4", total="5.5", paid="5.5"),  # empty currency field: the default
            order("C5", cur="brl"),
        ],
    )
    assert res.reasons == {"bad_amount": 1, "bad_currency": 1}
    facts = con.execute(
        "select channel_order_id, total_fen, currency from raw.channel_order_facts order by 1"
    ).fetchall()
    assert facts == [("C1", 1200, "JPY"), ("C3", 1234, "KWD"), ("C4", 550, "BRL")]
    assert reasons(con) == {"C2": "bad_amount", "C5": "bad_currency"}


def test_decimal_comma_and_thousands_separator(con, tmp_path, monkeypatch):
    name = mapping(tmp_path, monkeypatch, money={"unit": "major", "decimal": ",", "thousands": "."})
    res = landed(con, name, [order("D1", total="1.234,56", paid="1.234,56"), order("D2", total="1,234.56")])
    assert res.reasons == {"bad_amount": 1}
    assert con.execute("select total_fen from raw.channel_order_facts").fetchall() == [(123456,)]


def test_bad_values_are_quarantined_with_their_reason(con, tmp_path, monkeypatch):
    name = mapping(tmp_path, monkeypatch, first_day="2015-01-01")
    res = landed(
        con,
        name,
        [
            order("N1", paid="-5.00"),
            order("P1", total="259.80", paid="99999.00"),
            order("P2", total="259.80", paid="267.80", freight="8.00"),  # paid = total + freight: fine
            order("Y1", "01-01-1970"),
            order("Y2", "01-01-2100"),
            order("Y3", "12-31-2014 23:00"),  # the day before the shop's first day
            order("E1", id="2.61234567890123E+15"),
        ],
    )
    got = reasons(con)
    assert got == {
        "N1": "negative_amount",
        "P1": "paid_exceeds_total",
        "Y1": "implausible_date",
        "Y2": "implausible_date",
        "Y3": "implausible_date",
        "2.61234567890123E+15": "bad_id",
    }
    assert res.stored == 1
    message = con.execute("select message from hub.quarantine where reason = 'paid_exceeds_total'").fetchone()[0]
    assert "9999900" in message and "25980" in message


def test_a_signed_field_may_be_negative(con, tmp_path, monkeypatch):
    order_fields = {**BASE["order"], "discount_fen": {"path": "discount", "signed": True}}
    name = mapping(tmp_path, monkeypatch, order=order_fields)
    res = landed(con, name, [order("S1", discount="-1.00")])
    assert res.stored == 1
    assert con.execute("select discount_fen from raw.channel_order_facts").fetchone()[0] == -100


def test_sku_by_expression_over_line_fields(con, tmp_path, monkeypatch):
    lines = {**BASE["lines"], "channel_sku": {"compute": "upper({cat}) || '-' || {size}"}}
    name = mapping(tmp_path, monkeypatch, lines=lines)
    rec = order("K1")
    rec["items"] = [{"cat": "tee", "size": "XL", "qty": "1", "price": "4.00"}, {"cat": "cap", "qty": "1", "price": "6"}]
    res = landed(con, name, [rec, {**order("K2"), "items": [{"cat": " mug ", "size": "L", "qty": "2", "price": "5"}]}])
    assert res.reasons == {"missing_field": 1}  # K1's second line has no size: no SKU
    assert con.execute("select line_sku from raw.channel_order_facts").fetchall() == [(["MUG-L"],)]


def test_a_compute_naming_a_missing_column_fails_when_the_mapping_loads(tmp_path, monkeypatch):
    lines = {**BASE["lines"], "channel_sku": {"compute": "tl_channel_sku || size"}}
    name = mapping(tmp_path, monkeypatch, lines=lines)
    with pytest.raises(MappingError, match="shop_report.*does not compile"):
        load_mapping(name)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"currency": "euro"}, "currency"),
        ({"zone": "Mars/Olympus"}, "unknown time zone"),
        ({"time": {"format": ["%Y", 5]}}, "strptime"),
        ({"surprise": 1}, "unknown keys"),
        ({"file": {"group_by": "id", "bogus": 1}}, "unknown keys"),
        ({"money": {"unit": "major", "decimal": ";"}}, "decimal mark"),
    ],
)
def test_mapping_errors_name_the_key(tmp_path, monkeypatch, change, message):
    name = mapping(tmp_path, monkeypatch, **change)
    with pytest.raises(MappingError, match=message):
        load_mapping(name)


def test_an_edited_mapping_is_read_again(tmp_path, monkeypatch):
    name = mapping(tmp_path, monkeypatch)
    assert load_mapping(name).currency.code == "BRL"
    mapping(tmp_path, monkeypatch, currency="GBP", description="edited, so the file is longer")
    assert load_mapping(name).currency.code == "GBP"


def test_group_by_rows_are_one_order_with_a_line_per_row(con, tmp_path, monkeypatch):
    order_fields = {
        "channel_order_id": "id",
        "created_at": "date",
        "source_updated_at": {"path": "date", "agg": "max"},
        "total_fen": {"path": "price", "agg": "sum"},
        "freight_fen": {"path": "freight", "agg": "sum"},
        "paid_fen": {"compute": "total_fen + freight_fen"},
    }
    name = mapping(
        tmp_path,
        monkeypatch,
        file={"group_by": "id"},
        order=order_fields,
        lines={"channel_sku": "sku", "quantity": {"default": 1}, "unit_price_fen": "price"},
    )
    rows = [
        {"id": "G1", "date": "01-05-2022 12:01", "state": "ok", "sku": "P1", "price": "29.99", "freight": "8.72"},
        {"id": "G1", "date": "01-05-2022 12:01", "state": "ok", "sku": "P1", "price": "29.99", "freight": "8.72"},
        {"id": "G1", "date": "01-05-2022 12:01", "state": "ok", "sku": "P2", "price": "5.01", "freight": ""},
    ]
    res = landed(con, name, [{"rows": rows}])
    assert (res.stored, res.quarantined) == (1, 0), res.reasons
    rebuild(con)
    assert con.execute("select total_fen, freight_fen, paid_fen from hub.orders").fetchone() == (6499, 1744, 8243)
    lines = con.execute("select line_no, channel_sku, quantity, paid_fen from hub.order_lines order by 1").fetchall()
    assert lines == [(1, "P1", 1, 2999), (2, "P1", 1, 2999), (3, "P2", 1, 501)]


def test_order_amounts_summed_over_the_lines_list(con, tmp_path, monkeypatch):
    """An order report without a total (its item report has the prices): the order's amounts sum its lines,
    and for a report pair the summed column is required of the item report, not the order report."""
    order_fields = {**BASE["order"], "total_fen": {"path": "price", "agg": "sum"}, "paid_fen": {"compute": "total_fen"}}
    name = mapping(
        tmp_path,
        monkeypatch,
        file={"lines_from": {"match": "items_*", "key": "id", "as": "items"}},
        order=order_fields,
    )
    m = load_mapping(name)
    assert "price" in m.file.line_headers and "price" not in m.file.order_headers
    items = [{"sku": "S1", "qty": "1", "price": "19.90"}, {"sku": "S2", "qty": "1", "price": "0.15"}]
    res = landed(con, name, [{**order(), "items": items}])
    assert (res.stored, res.quarantined) == (1, 0), res.reasons
    rebuild(con)
    assert con.execute("select total_fen, paid_fen from hub.orders").fetchone() == (2005, 2005)
    with pytest.raises(MappingError, match="order.buyer_id.agg"):
        load_mapping(mapping(tmp_path, monkeypatch, order={**order_fields, "buyer_id": {"path": "b", "agg": "max"}}))
