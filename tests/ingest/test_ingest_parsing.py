"""Property-based tests of the compiled money and time parsing (the SQL the mappings compile to)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orderhub.standardize.compiler import _parse_money, _parse_time
from orderhub.standardize.mapping import TimeFormat

BEIJING = timezone(timedelta(hours=8))


@pytest.fixture(scope="module")
def db():
    c = duckdb.connect()
    c.execute("set TimeZone = 'UTC'")
    yield c
    c.close()


def money(db, text: str | None, unit: str = "yuan"):
    return db.execute(f"select {_parse_money('t', unit)} from (select ?::varchar as t)", [text]).fetchone()[0]


@settings(max_examples=300, deadline=None)
@given(fen=st.integers(min_value=-10**13, max_value=10**13), decimals=st.sampled_from([0, 1, 2]))
def test_yuan_strings_become_exact_fen(db, fen, decimals):
    if decimals < 2:
        fen -= fen % (10 ** (2 - decimals))  # a value that is exactly writable with that many decimals
    text = f"{Decimal(fen) / 100:.{decimals}f}"
    assert money(db, text) == fen


@settings(max_examples=200, deadline=None)
@given(yuan=st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_yuan_parse_never_goes_through_float(db, yuan):
    # values where float arithmetic rounds wrong (e.g. 0.29 * 100 = 28.999...) stay exact
    assert money(db, str(yuan)) == int(yuan * 100)


@pytest.mark.parametrize("text", ["19.999", "12.3.4", "abc", "-", "1e3", "¥19.90", "19,90", " ", "0x10", "--1"])
def test_unreadable_amounts_are_rejected_not_guessed(db, text):
    assert money(db, text) is None


@settings(max_examples=200, deadline=None)
@given(fen=st.integers(min_value=-10**15 + 1, max_value=10**15 - 1))
def test_fen_integers(db, fen):
    assert money(db, str(fen), "fen") == fen


@pytest.mark.parametrize("text", ["19.90", "1990.0", "abc", ""])
def test_fen_rejects_non_integers(db, text):
    assert money(db, text, "fen") is None


def parse_time(db, text, fmt: TimeFormat):
    return db.execute(f"select {_parse_time('t', fmt)} from (select ?::varchar as t)", [text]).fetchone()[0]


instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31)).map(
    lambda d: d.replace(microsecond=0, tzinfo=timezone.utc))


@settings(max_examples=200, deadline=None)
@given(instant=instants)
def test_beijing_strings_convert_to_utc(db, instant):
    text = instant.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
    assert parse_time(db, text, TimeFormat("%Y-%m-%d %H:%M:%S", "Asia/Shanghai")) == instant


@settings(max_examples=100, deadline=None)
@given(instant=instants)
def test_erp_slash_format_and_named_zone_path_agree(db, instant):
    text = instant.astimezone(BEIJING).strftime("%Y/%m/%d %H:%M:%S")
    fixed = parse_time(db, text, TimeFormat("%Y/%m/%d %H:%M:%S", "Asia/Shanghai"))
    named = parse_time(db, text, TimeFormat("%Y/%m/%d %H:%M:%S", "Asia/Taipei"))  # ICU path; also UTC+8 since 1979
    assert fixed == named == instant


@settings(max_examples=200, deadline=None)
@given(instant=instants)
def test_epoch_seconds(db, instant):
    assert parse_time(db, str(int(instant.timestamp())), TimeFormat("epoch_s")) == instant


@pytest.mark.parametrize("text", ["2026-13-45 25:61:00", "not-a-time", "0000-00-00 00:00:00", "2026-11-11"])
def test_bad_timestamps_are_rejected(db, text):
    assert parse_time(db, text, TimeFormat("%Y-%m-%d %H:%M:%S", "Asia/Shanghai")) is None


@pytest.mark.parametrize("text", ["-1", "1.5", "abc"])
def test_bad_epochs_are_rejected(db, text):
    assert parse_time(db, text, TimeFormat("epoch_s")) is None
