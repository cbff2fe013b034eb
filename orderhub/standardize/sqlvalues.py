"""SQL for one value of a record: literals, texts (trimmed only where that can matter) and the exact parses
of money (decimal text -> integer fen, never through a float), integers and timestamps (to UTC)."""

from __future__ import annotations

import re

from orderhub.standardize.mapping import FieldSpec, TimeFormat

# Zones without daylight saving since long before any order: a fixed offset is exact and much cheaper.
FIXED_OFFSET_HOURS = {"Asia/Shanghai": 8, "Asia/Hong_Kong": 8, "UTC": 0}
PLAIN_FORMAT = re.compile(r"%[YmdHMSf](([-/:. T]|%[YmdHMSf])*%[YmdHMSf])?")


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
    if f.strip_excel:
        out = f"regexp_replace({out}, '^=\"(.*)\"$', '\\1')"
    if f.split:
        out = f"nullif(split_part({out}, {lit(f.split[0])}, {f.split[1]}), '')"
    return out


def matching(t: str, pattern: str, value: str) -> str:
    return f"case when regexp_full_match({t}, '{pattern}') then {value.format(t)} end"


def parse_money(t: str, unit: str) -> str:
    if unit == "fen":
        return matching(t, "[+-]?[0-9]{1,15}", "cast({} as bigint)")
    return matching(t, "[+-]?[0-9]{1,13}(\\.[0-9]{1,2})?", "cast(cast({} as decimal(18,2)) * 100 as bigint)")


def parse_time(t: str, tf: TimeFormat) -> str:
    if tf.format == "epoch_s":
        return matching(t, "[0-9]{1,11}", "make_timestamptz(cast({} as bigint) * 1000000)")
    ts = f"try_strptime({t}, {lit(tf.format)})"
    if tf.zone in FIXED_OFFSET_HOURS:  # integer micros: timezone('UTC', ...) costs ten times more for the same instant
        return f"make_timestamptz(epoch_us({ts}) - {FIXED_OFFSET_HOURS[tf.zone] * 3600 * 10**6})"
    return f"timezone({lit(tf.zone)}, {ts})"


def parses_untrimmed(f: FieldSpec) -> bool:
    """Whether a text that parses as it is parses to the same value trimmed: then the trim is only paid for the texts
    that do not parse (and the checks and messages still see the trimmed text). The money/integer patterns admit no
    spaces; strptime skips ASCII whitespace around the fields of a format without literal spaces at its ends."""
    if f.kind not in BAD or f.strip_excel or f.split:
        return False
    return f.kind != "time" or f.time.format == "epoch_s" or bool(PLAIN_FORMAT.fullmatch(f.time.format))


def parse_sql(t: str, f: FieldSpec) -> str:
    if f.kind == "money":
        return parse_money(t, f.money)
    if f.kind == "time":
        return parse_time(t, f.time)
    if f.kind == "int":
        return matching(t, "[+-]?[0-9]{1,9}", "cast({} as bigint)")
    return t


BAD = {
    "money": ("bad_amount", "is not an amount"),
    "time": ("bad_timestamp", "is not a timestamp"),
    "int": ("bad_integer", "is not an integer"),
}
