"""Declarative after-sales mappings: one YAML file per source format in `orderhub/mappings/after_sales/`.

The after-sales counterpart of the order mappings (orderhub/standardize/mapping.py), with the same money and
time notations: where a ticket's fields live in the raw record, how platform status and type codes map to
hub outcomes and ticket types, which codes mean an exchange, and which reason keywords say more than
the platform type. This module holds the model and reads its parts (each error names the key at fault);
`loader.py` reads and validates whole files, `compiler.py` turns a mapping into DuckDB SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from orderhub.standardize.jsonpaths import segments
from orderhub.standardize.mapping import MappingError, TimeFormat

OUTCOMES = ("open", "success", "withdrawn", "resolved")
TICKET_TYPES = ("wrong_item", "wrong_address", "damaged", "return", "refund_only")
TICKET_FIELDS = (
    "ticket_code",
    "platform_id",
    "source",
    "channel",
    "channel_order_id",
    "refund_fen",
    "reason",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True)
class Value:
    path: str
    in_line: bool = False  # the path is inside the current `lines` element, not the whole record


@dataclass(frozen=True)
class TicketField:
    name: str
    at: Value
    money: str = "yuan"
    times: tuple[TimeFormat, ...] = ()  # tried in order: the first format that reads the text wins


@dataclass(frozen=True, eq=False)
class CodeMap:
    at: Value
    map: dict[str, str] | None  # None: the record already holds hub values (the landing still checks them)


@dataclass(frozen=True)
class ReasonRule:
    ticket_type: str
    keywords: tuple[str, ...]


@dataclass(frozen=True, eq=False)  # hashed by identity: compiled SQL is cached per loaded mapping
class TicketMapping:
    name: str
    feed: str  # the land_tickets feed (incoming.channel) whose records this mapping reads
    source: str | None  # fallback when the record has no `source` field
    channel: str | None  # fallback when the record has no `channel` field
    fields: dict[str, TicketField]
    status: CodeMap
    type: CodeMap
    reason_rules: tuple[ReasonRule, ...]  # first match wins over the platform type
    exchange: tuple[tuple[Value, tuple[str, ...]], ...]  # any (value at, one of these codes) = an exchange
    lines: str | None  # one ticket per element of this list (fields with `line:` read the element)
    description: str = ""

    @property
    def own_code(self) -> bool:
        """Tickets carry their own code (CS form) rather than '<channel>:<platform_id>'."""
        return "ticket_code" in self.fields


def read_value(raw: Any, key: str, extra: set[str] = frozenset()) -> tuple[Value, dict]:
    spec = {"path": raw} if isinstance(raw, str) else raw
    if not isinstance(spec, dict) or set(spec) - {"path", "line"} - extra or ("path" in spec) == ("line" in spec):
        raise MappingError(
            f"{key}: expected a path, or exactly one of path (in the record) or line (in the lines "
            f"element){' with ' + ', '.join(sorted(extra)) if extra else ''}; got {raw!r}"
        )
    path = str(spec.get("path", spec.get("line")))
    try:
        segments(path)
    except ValueError as exc:
        raise MappingError(f"{key}: {exc}") from None
    return Value(path, "line" in spec), spec


def read_times(raw: Any, key: str, default: tuple[TimeFormat, ...]) -> tuple[TimeFormat, ...]:
    if raw is None:
        return default
    spec = {"format": raw} if isinstance(raw, (str, list)) else raw
    if not isinstance(spec, dict) or set(spec) - {"format", "zone"} or "format" not in spec:
        raise MappingError(f"{key}: expected a format, a list of formats or {{format, zone}}, got {raw!r}")
    zone = spec.get("zone", default[0].zone)
    try:
        ZoneInfo(zone)
    except (ValueError, KeyError, OSError, TypeError):
        raise MappingError(f"{key}.zone: unknown time zone {zone!r}") from None
    formats = spec["format"] if isinstance(spec["format"], list) else [spec["format"]]
    for f in formats or [None]:
        if not isinstance(f, str) or not (f in ("epoch_s", "iso") or "%" in f):
            raise MappingError(f"{key}.format: {f!r} is not epoch_s, iso or a strptime format")
    return tuple(TimeFormat(f, zone, zero_is_null=False) for f in formats)


def read_field(name: str, raw: Any, money: str, times: tuple[TimeFormat, ...]) -> TicketField:
    key = f"ticket.{name}"
    extra = {"money"} if name == "refund_fen" else {"time"} if name.endswith("_at") else set()
    at, spec = read_value(raw, key, extra)
    unit = spec.get("money", money)
    if unit not in ("yuan", "fen"):
        raise MappingError(f"{key}.money: {unit!r} is not yuan or fen")
    own_times = read_times(spec.get("time"), f"{key}.time", times) if name.endswith("_at") else ()
    return TicketField(name, at, unit, own_times)


def read_code(name: str, raw: Any) -> str:
    # YAML reads yes/no/on/off as booleans and 1.0 as a float: a code must be written as it arrives
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise MappingError(f"{name}: code {raw!r} must be a string or an integer (quote it)")
    return str(raw)


def read_code_map(raw: Any, key: str, allowed: tuple[str, ...], required: bool) -> tuple[CodeMap, dict]:
    at, spec = read_value(raw, key, {"map", "reason_rules"} if key == "type" else {"map"})
    if "map" not in spec:
        if required:
            raise MappingError(f"{key}: 'map' is required")
        return CodeMap(at, None), spec
    if not isinstance(spec["map"], dict) or not spec["map"]:
        raise MappingError(f"{key}.map: expected a non-empty mapping of platform code -> value")
    codes = {read_code(f"{key}.map", k): v for k, v in spec["map"].items()}
    bad = sorted({str(v) for v in codes.values() if v not in allowed})
    if bad:
        raise MappingError(f"{key}.map: {bad} are not among {list(allowed)}")
    return CodeMap(at, codes), spec


def read_rules(raw: Any, key: str) -> tuple[ReasonRule, ...]:
    if not isinstance(raw, list):
        raise MappingError(f"{key}: expected a list of {{type, keywords}}")
    rules = []
    for i, r in enumerate(raw):
        words = r.get("keywords") if isinstance(r, dict) else None
        words = words if isinstance(words, list) else [words]
        texts = all(isinstance(w, str) and w for w in words)  # an empty keyword would match every reason
        if not isinstance(r, dict) or set(r) != {"type", "keywords"} or not texts:
            raise MappingError(f"{key}[{i}]: expected {{type, keywords: [non-empty texts]}}, got {r!r}")
        if r["type"] not in TICKET_TYPES:
            raise MappingError(f"{key}[{i}].type: {r['type']!r} is not among {list(TICKET_TYPES)}")
        rules.append(ReasonRule(r["type"], tuple(words)))
    return tuple(rules)
