"""SQL for one value of a record: literals, texts (trimmed only where that can matter) and the exact parses
of money (decimal text -> integer minor units, never through a float), integers and timestamps (to UTC)."""

from __future__ import annotations

import re

from orderhub.standardize.mapping import FieldSpec, TimeFormat

# Zones without daylight saving since long before any order: a fixed offset is exact and much cheaper.
FIXED_OFFSET_HOURS = {"Asia/Shanghai": 8, "Asia/Hong_Kong": 8, "UTC": 0}
PLAIN_FORMAT = re.compile(r"%[YmdHMSf](([-/:. T]|%[YmdHMSf])*%[YmdHMSf])?")
EARLIEST = "timestamp '1000-01-01'"  # %Y reads "22" as the year 22: a four-digit year is never before this


def lit(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def trim_sql(x: str) -> str:
    # nullif(trim(x), ''), paying for trim (a copy) only when it can matter: it strips space separators (Zs) only, and a
    # pure-ASCII text that starts with a byte > ' ' and does not end in ' ' has none at its ends
    return (
        f"case when {x} < '!' or suffix({x}, ' ') or strlen({x}) <> length({x}) then nullif(trim({x}), '') else {x} end"
    )


def text_sql(expr: str, f: FieldSpec) -> str:
    out = trim_sql(expr)
    if f.strip_excel:  # ="123" quoting, and an id a spreadsheet turned into 123.0
        out = f"regexp_replace(regexp_replace({out}, '^=\"(.*)\"$', '\\1'), '^([0-9]+)\\.0+$', '\\1')"
    if f.split:
        out = f"nullif(split_part({out}, {lit(f.split[0])}, {f.split[1]}), '')"
    return out


def matching(t: str, pattern: str, value: str) -> str:
    return f"case when regexp_full_match({t}, {lit(pattern)}) then {value.format(t)} end"


def parse_money(
    t: str, unit: str, digits: int | str = 2, decimal: str = ".", thousands: str | None = None, scale: str = ""
) -> str:
    """Exact amount in minor units. `digits`: the currency's minor digits (an int), or "row" when they vary per
    record: then the text is read to 4 decimals and `scale` (SQL, 10 ** (4 - digits)) must divide it exactly."""
    if unit == "fen":
        return matching(t, "[+-]?[0-9]{1,15}", "cast({} as bigint)")
    whole = "[0-9]{1,13}" if thousands is None else f"([0-9]{{1,13}}|[0-9]{{1,3}}({re.escape(thousands)}[0-9]{{3}})+)"
    d = re.escape(decimal)
    text = t if thousands is None else f"replace({t}, {lit(thousands)}, '')"
    text = text if decimal == "." else f"replace({text}, {lit(decimal)}, '.')"
    if digits == "row":
        exact = f"cast(cast({text} as decimal(18,4)) * 10000 as bigint)"
        pattern = lit(f"[+-]?{whole}({d}[0-9]{{1,4}})?")
        return f"case when regexp_full_match({t}, {pattern}) and {exact} % {scale} = 0 then {exact} // {scale} end"
    frac = f"({d}[0-9]{{1,{digits}}})?" if digits else f"({d}0{{1,2}})?"
    value = f"cast(cast({text} as decimal(18,{max(digits, 1)})) * {10**digits} as bigint)"
    return f"case when regexp_full_match({t}, {lit(f'[+-]?{whole}{frac}')}) then {value} end"


def _one_time(t: str, tf: TimeFormat, zone: str | None) -> str:
    if tf.format == "epoch_s":
        return matching(t, "[0-9]{1,11}", "make_timestamptz(cast({} as bigint) * 1000000)")
    ts = f"try_strptime({t}, {lit(tf.format)})"
    if "%y" in tf.format:  # two-digit years are this century's (DuckDB, like C, puts 69-99 in the 1900s)
        ts = f"(case when {ts} < timestamp '2000-01-01' then {ts} + interval 100 year else {ts} end)"
    elif "%Y" in tf.format:  # "03-31-22" must not pass as the year 22 under %m-%d-%Y
        ts = f"(case when {ts} >= {EARLIEST} then {ts} end)"
    if zone is not None:  # the shop's zone, per record
        return f"timezone({zone}, {ts})"
    if tf.zone in FIXED_OFFSET_HOURS:  # integer micros: timezone('UTC', ...) costs ten times more for the same instant
        return f"make_timestamptz(epoch_us({ts}) - {FIXED_OFFSET_HOURS[tf.zone] * 3600 * 10**6})"
    return f"timezone({lit(tf.zone)}, {ts})"


def parse_time(t: str, tf: TimeFormat | tuple[TimeFormat, ...], zone: str | None = None) -> str:
    """The first of the formats that reads the text (an ordered list, as sellers' reports mix them)."""
    formats = (tf,) if isinstance(tf, TimeFormat) else tf
    parses = [_one_time(t, f, zone) for f in formats]
    return parses[0] if len(parses) == 1 else f"coalesce({', '.join(parses)})"


def parses_untrimmed(f: FieldSpec) -> bool:
    """Whether a text that parses as it is parses to the same value trimmed: then the trim is only paid for the texts
    that do not parse (and the checks and messages still see the trimmed text). The money/integer patterns admit no
    spaces; strptime skips ASCII whitespace around the fields of a format without literal spaces at its ends."""
    if f.kind not in BAD or f.strip_excel or f.split:
        return False
    times = f.times or ((f.time,) if f.time else ())
    return f.kind != "time" or all(t.format == "epoch_s" or PLAIN_FORMAT.fullmatch(t.format) for t in times)


def parse_sql(t: str, f: FieldSpec, digits: int | str = 2, scale: str = "", zone: str | None = None) -> str:
    if f.kind == "money":
        return parse_money(t, f.money, digits, f.decimal, f.thousands, scale)
    if f.kind == "time":
        return parse_time(t, f.times or f.time, None if f.zone_fixed else zone)
    if f.kind == "int":
        return matching(t, "[+-]?[0-9]{1,9}", "cast({} as bigint)")
    return t


BAD = {
    "money": ("bad_amount", "is not an amount"),
    "time": ("bad_timestamp", "is not a timestamp"),
    "int": ("bad_integer", "is not an integer"),
}
