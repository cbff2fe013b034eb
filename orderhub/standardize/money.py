"""Currencies and how amounts are written: ISO 4217 minor units, and the notation of an amount's text.

Every amount is stored in the minor unit of its currency (fen for CNY, centavos for BRL, pence for GBP, yen for
JPY): `*_fen` columns hold minor units of the order's `currency`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# ISO 4217 currencies whose minor unit is not 1/100 (every other code has two decimals).
MINOR_DIGITS = {
    **dict.fromkeys(
        ("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF")
        + ("XOF", "XPF"),
        0,
    ),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    "CLF": 4,
    "UYW": 4,
}
CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")
UNITS = {"yuan": "yuan", "major": "yuan", "fen": "fen", "minor": "fen"}  # yuan/fen kept as the internal names


class MoneyError(ValueError):
    pass


def minor_digits(code: str) -> int:
    return MINOR_DIGITS.get(code, 2)


def check_currency(code: Any, key: str) -> str:
    if not isinstance(code, str) or not CURRENCY_CODE.match(code):
        raise MoneyError(f"{key}: {code!r} is not an ISO 4217 currency code (three capital letters, e.g. CNY)")
    return code


@dataclass(frozen=True)
class Notation:
    """How an amount's text is written: major units ("19.90", the default) or integer minor units ("1990"),
    with its decimal mark and optional thousands separator ("1.234,56": decimal ",", thousands ".")."""

    unit: str = "yuan"  # yuan (major units, decimal text) | fen (integer minor units)
    decimal: str = "."
    thousands: str | None = None


def read_notation(raw: Any, key: str, default: Notation) -> Notation:
    if raw is None:
        return default
    spec = {"unit": raw} if isinstance(raw, str) else raw
    if not isinstance(spec, dict) or set(spec) - {"unit", "decimal", "thousands"}:
        raise MoneyError(f"{key}: expected major | minor (yuan | fen) or {{unit, decimal, thousands}}, got {raw!r}")
    unit = UNITS.get(spec.get("unit", default.unit))
    if unit is None:
        raise MoneyError(f"{key}.unit: {spec.get('unit')!r} is not major, minor, yuan or fen")
    decimal, thousands = spec.get("decimal", default.decimal), spec.get("thousands", default.thousands)
    if decimal not in (".", ",") or thousands not in (None, ".", ",", " ", "'") or thousands == decimal:
        raise MoneyError(f"{key}: decimal mark {decimal!r} / thousands separator {thousands!r} are not usable")
    return Notation(unit, decimal, thousands)


@dataclass(frozen=True)
class CurrencySpec:
    """The currency of a mapping's amounts: one code for the channel, or read per record from `path`
    (`default` when that field is empty)."""

    code: str = "CNY"
    path: str | None = None

    @property
    def fixed(self) -> bool:
        return self.path is None


def read_currency(raw: Any, key: str = "currency") -> CurrencySpec:
    if raw is None:
        return CurrencySpec()
    if isinstance(raw, str):
        return CurrencySpec(check_currency(raw, key))
    if not isinstance(raw, dict) or set(raw) - {"path", "default"} or "path" not in raw:
        raise MoneyError(f"{key}: expected a code (CNY) or {{path, default}}, got {raw!r}")
    return CurrencySpec(check_currency(raw.get("default", "CNY"), f"{key}.default"), str(raw["path"]))
