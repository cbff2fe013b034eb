"""Declarative channel mappings: one YAML file per source format in `orderhub/mappings/` (and in the seller's own
folder `ORDERHUB_MAPPINGS_DIR`, which wins on a name clash).

A mapping says where each hub field lives in the raw record (a dotted path, `[n]` for list items), how money
is written and in which currency, how time is written (an ordered list of formats, a zone per channel or shop),
how platform statuses map to hub statuses, where the order lines are, and for file channels which landing
folder it serves and how its reports are read (`filespec.py`). The compiler turns it into DuckDB SQL; loading
a mapping also binds that SQL once, so an error in a `compute` fails here, naming the mapping, not when data
arrives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from orderhub.standardize.fields import HUB_STATUSES, LINE_FIELDS, ORDER_FIELDS, MappingError
from orderhub.standardize.filespec import ROWS_KEY, FileSpec, FileSpecError, read_file_spec
from orderhub.standardize.headers import file_headers
from orderhub.standardize.money import CurrencySpec, MoneyError, Notation, read_currency, read_notation
from orderhub.standardize.paths import segments

MAPPINGS_DIR = Path(__file__).resolve().parent.parent / "mappings"
BUSINESS_TZ = "Asia/Shanghai"  # = orderhub.settings.BUSINESS_TZ: the default business day of a channel
FIRST_DAY = date(2000, 1, 1)  # default earliest plausible order date of a shop

TOP_KEYS = {"name", "channel", "source", "description", "default_shop_id", "money", "currency", "time", "zone"}
TOP_KEYS |= {"first_day", "shops", "file", "order", "status", "lines"}
FIELD_KEYS = {"path", "money", "time", "compute", "default", "required", "split", "strip_excel", "signed", "agg"}
AGGREGATES = ("first", "sum", "min", "max")
PLACEHOLDER = re.compile(r"\{([^{}'\":]+)\}")  # {path} in a compute: the text at that path ({'a': 1} is SQL)


@dataclass(frozen=True)
class TimeFormat:
    format: str  # a strptime format, or "epoch_s"
    zone: str = "UTC"  # zone of naive strings; ignored for epoch seconds
    zero_is_null: bool = True  # epoch 0 / "" mean "not yet"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    path: str | None = None  # dotted path into the record
    required: bool = False
    kind: str = "str"  # str | money | time | int
    money: str = "yuan"  # yuan (major units) | fen (integer minor units)
    time: TimeFormat | None = None  # the first of `times`
    compute: str | None = None  # SQL over other standardized fields; with a path: used only when it is absent
    default: Any = None
    split: tuple[str, int] | None = None  # (separator, 1-based index): "浙江省 杭州市 ..." -> 杭州市
    strip_excel: bool = False  # ="123" (spreadsheet-safe quoting) -> 123
    times: tuple[TimeFormat, ...] = ()  # tried in order, the first that reads the text wins
    zone_fixed: bool = False  # the field's own zone: a shop's zone does not replace it
    decimal: str = "."
    thousands: str | None = None
    signed: bool = False  # a negative amount is legitimate (else quarantined as negative_amount)
    agg: str = "first"  # group_by records: first | sum | min | max over the order's rows
    label: str | None = None  # how the mapping wrote the path (messages); group_by paths are rewritten
    placeholders: tuple[str, ...] = ()  # the {path}s of `compute`

    @property
    def shown(self) -> str:
        return self.label or self.path or self.name


@dataclass(frozen=True)
class StatusOverride:
    """`status` wins when the value at `path` is one of `equals` (or, with present, is not empty), optionally
    only when the mapped status is `when_status` (e.g. "closed" + a payment time = refunded)."""

    path: str
    equals: tuple[str, ...]
    status: str
    present: bool = False
    when_status: str | None = None


@dataclass(frozen=True, eq=False)
class StatusSpec:
    path: str
    map: dict[str, str]
    overrides: tuple[StatusOverride, ...] = ()


@dataclass(frozen=True, eq=False)
class LinesSpec:
    path: str | None  # list of objects; None with `delimiter` = values split out of order-level fields
    fields: dict[str, FieldSpec]
    delimiter: str | None = None


@dataclass(frozen=True)
class ShopSpec:
    zone: str | None = None
    currency: str | None = None
    first_day: date | None = None


@dataclass(frozen=True, eq=False)  # hashed by identity: compiled SQL is cached per loaded mapping
class Mapping:
    name: str
    channel: str
    source: str  # api | erp | file
    default_shop_id: str | None
    fields: dict[str, FieldSpec]
    status: StatusSpec
    lines: LinesSpec
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    currency: CurrencySpec = CurrencySpec()
    zone: str = BUSINESS_TZ  # the channel's business day (order_date) and the default zone of naive times
    first_day: date = FIRST_DAY
    shops: dict[str, ShopSpec] = field(default_factory=dict)
    file: FileSpec | None = None
    origin: str = ""  # the file it was loaded from


def _kind(name: str) -> str:
    if name.endswith("_fen"):
        return "money"
    if name.endswith("_at"):
        return "time"
    return "int" if name == "quantity" else "str"


def _zone(zone: Any, key: str) -> str:
    try:
        ZoneInfo(str(zone))
    except (ValueError, KeyError, OSError):
        raise MappingError(f"{key}: unknown time zone {zone!r}") from None
    return str(zone)


def read_times(raw: Any, default: tuple[TimeFormat, ...], key: str) -> tuple[tuple[TimeFormat, ...], bool]:
    """(formats, zone given here) from `fmt`, `[fmt, ...]` or `{format: fmt | [fmt, ...], zone, zero_is_null}`."""
    if raw is None:
        return default, False
    spec = {"format": raw} if isinstance(raw, (str, list)) else raw
    if not isinstance(spec, dict) or set(spec) - {"format", "zone", "zero_is_null"}:
        raise MappingError(f"{key}: expected a format, a list of formats or {{format, zone}}, got {raw!r}")
    formats = spec.get("format", [t.format for t in default])
    formats = formats if isinstance(formats, list) else [formats]
    for f in formats or [None]:
        if not isinstance(f, str) or not (f == "epoch_s" or "%" in f):
            raise MappingError(f"{key}.format: {f!r} is not epoch_s or a strptime format")
    zone = _zone(spec["zone"], f"{key}.zone") if "zone" in spec else default[0].zone
    zero = bool(spec.get("zero_is_null", default[0].zero_is_null))
    return tuple(TimeFormat(f, zone, zero) for f in formats), "zone" in spec


@dataclass(frozen=True)
class _Defaults:
    notation: Notation
    times: tuple[TimeFormat, ...]
    rows: str | None  # group_by: order-level paths read the first row (rows[0].<path>)
    lines: str | None  # the list of lines (group_by rows, lines.path): what agg sum/min/max reads


def _placeholders(compute: str | None, key: str) -> tuple[str, ...]:
    found = tuple(dict.fromkeys(PLACEHOLDER.findall(compute or "")))
    for p in found:
        _check_path(p, key)
    return found


def _check_path(path: Any, key: str) -> str:
    try:
        segments(str(path))
    except ValueError as exc:
        raise MappingError(f"{key}: {exc}") from None
    return str(path)


def _field(name: str, raw: Any, required: bool, d: _Defaults, in_line: bool = False) -> FieldSpec:
    key = f"{'lines' if in_line else 'order'}.{name}"
    spec = {"path": raw} if isinstance(raw, str) else dict(raw or {})
    unknown = set(spec) - FIELD_KEYS
    if unknown:
        raise MappingError(f"field {name}: unknown keys {sorted(unknown)}; allowed: {sorted(FIELD_KEYS)}")
    if not spec.get("path") and "compute" not in spec and "default" not in spec and required:
        raise MappingError(f"field {name} is required: give a path, compute or default")
    kind = _kind(name)
    try:
        notation = read_notation(spec.get("money"), f"{key}.money", d.notation)
    except MoneyError as exc:
        raise MappingError(str(exc)) from None
    times, zone_fixed = read_times(spec.get("time"), d.times, f"{key}.time")
    agg = spec.get("agg", "first")
    if agg not in AGGREGATES or (agg != "first" and (in_line or d.lines is None or kind == "str")):
        raise MappingError(
            f"{key}.agg: {agg!r}; sum/min/max are for order amounts and times read in every line (group_by rows, or"
            " the elements of lines.path)"
        )
    split = spec.get("split")
    path = _check_path(spec["path"], f"{key}.path") if spec.get("path") else None
    placeholders = _placeholders(spec.get("compute"), f"{key}.compute")
    label = path
    if d.rows and not in_line:  # order fields of a group_by file read the order's first row
        path = f"{d.rows}[0].{path}" if path and agg == "first" else path
        placeholders = tuple(f"{d.rows}[0].{p}" for p in placeholders)
        spec["compute"] = _rebase(spec.get("compute"), d.rows)
    return FieldSpec(
        # a compute next to a path is the fallback when the record lacks the field: not missing then
        name=name,
        path=path,
        required=bool(spec.get("required", required)) and "default" not in spec and "compute" not in spec,
        kind=kind,
        money=notation.unit,
        time=times[0],
        compute=spec.get("compute"),
        default=spec.get("default"),
        split=(split["sep"], int(split["index"])) if split else None,
        strip_excel=bool(spec.get("strip_excel")),
        times=times,
        zone_fixed=zone_fixed,
        decimal=notation.decimal,
        thousands=notation.thousands,
        signed=bool(spec.get("signed")),
        agg=agg,
        label=label,
        placeholders=placeholders,
    )


def _rebase(compute: str | None, rows: str) -> str | None:
    return PLACEHOLDER.sub(lambda m: "{" + f"{rows}[0].{m.group(1)}" + "}", compute) if compute else compute


def _status(st: Any, name: str, rows: str | None) -> StatusSpec:
    if not isinstance(st, dict) or "path" not in st or not isinstance(st.get("map"), dict):
        raise MappingError(f"{name}: status needs a path and a map")
    at = (lambda p: f"{rows}[0].{p}") if rows else (lambda p: p)
    bad = {v for v in st["map"].values() if v not in HUB_STATUSES}
    overrides = tuple(
        StatusOverride(
            at(_check_path(o["path"], "status.overrides.path")),
            tuple(
                str(v)
                for v in (o["equals"] if isinstance(o.get("equals"), list) else [o["equals"]] if "equals" in o else [])
            ),
            o["status"],
            bool(o.get("present")),
            o.get("when_status"),
        )
        for o in st.get("overrides", [])
    )
    bad |= {o.status for o in overrides if o.status not in HUB_STATUSES}
    if bad:
        raise MappingError(f"{name}: statuses {sorted(bad)} are not hub statuses {HUB_STATUSES}")
    return StatusSpec(at(_check_path(st["path"], "status.path")), {str(k): v for k, v in st["map"].items()}, overrides)


def _shops(raw: Any) -> dict[str, ShopSpec]:
    out = {}
    for shop, spec in (raw or {}).items():
        if not isinstance(spec, dict) or set(spec) - {"zone", "currency", "first_day"}:
            raise MappingError(f"shops.{shop}: expected some of zone, currency, first_day, got {spec!r}")
        zone = _zone(spec["zone"], f"shops.{shop}.zone") if "zone" in spec else None
        currency = read_currency(spec["currency"], f"shops.{shop}.currency").code if "currency" in spec else None
        out[str(shop)] = ShopSpec(zone, currency, _day(spec.get("first_day"), f"shops.{shop}.first_day"))
    return out


def _day(raw: Any, key: str) -> date | None:
    if raw is None or isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise MappingError(f"{key}: {raw!r} is not a date (YYYY-MM-DD)") from None


def parse_mapping(doc: dict[str, Any]) -> Mapping:
    for key in ("name", "channel", "source", "order", "status", "lines"):
        if key not in doc:
            raise MappingError(f"mapping is missing '{key}'")
    name = doc["name"]
    if set(doc) - TOP_KEYS:
        raise MappingError(f"{name}: unknown keys {sorted(set(doc) - TOP_KEYS)}; allowed: {sorted(TOP_KEYS)}")
    if doc["source"] not in ("api", "erp", "file"):
        raise MappingError(f"{name}: source {doc['source']!r} is not api, erp or file")
    if "file" in doc and doc["source"] != "file":
        raise MappingError(f"{name}: a 'file' section needs source: file")
    try:
        spec = read_file_spec(doc.get("file"), doc["channel"]) if doc["source"] == "file" else None
        currency, notation = read_currency(doc.get("currency")), read_notation(doc.get("money"), "money", Notation())
    except (FileSpecError, MoneyError) as exc:
        raise MappingError(f"{name}: {exc}") from None
    zone = _zone(doc.get("zone", BUSINESS_TZ), "zone")
    times, _ = read_times(doc.get("time"), (TimeFormat("%Y-%m-%d %H:%M:%S", doc.get("zone", BUSINESS_TZ)),), "time")
    rows = ROWS_KEY if spec and spec.group_by else None
    if rows and currency.path:
        currency = CurrencySpec(currency.code, f"{rows}[0].{currency.path}")
    d = _Defaults(notation, times, rows, rows or (doc["lines"] or {}).get("path"))
    order = doc["order"]
    unknown = set(order) - set(ORDER_FIELDS)
    if unknown:
        raise MappingError(f"{name}: unknown order fields {sorted(unknown)}")
    fields = {n: _field(n, order.get(n), req, d) for n, req in ORDER_FIELDS.items() if n in order or req}
    lines = dict(doc["lines"])
    line_path, delimiter = lines.pop("path", None), lines.pop("delimiter", None)
    if rows:
        if line_path is not None or delimiter is not None:
            raise MappingError(f"{name}: with file.group_by every row is a line: lines take no path or delimiter")
        line_path = rows
    if line_path is None and delimiter is None:
        raise MappingError(f"{name}: lines need a 'path' (list) or a 'delimiter' (split order fields)")
    if set(lines) - set(LINE_FIELDS):
        raise MappingError(f"{name}: unknown line fields {sorted(set(lines) - set(LINE_FIELDS))}")
    line_fields = {
        n: _field(n, lines.get(n), req, d, in_line=True) for n, req in LINE_FIELDS.items() if n in lines or req
    }
    if delimiter is not None and any(f.compute or (f.default is not None and not f.path) for f in line_fields.values()):
        raise MappingError(f"{name}: lines split by a delimiter take paths only (compute/default need lines.path)")
    m = Mapping(
        name=name,
        channel=doc["channel"],
        source=doc["source"],
        default_shop_id=doc.get("default_shop_id"),
        fields=fields,
        status=_status(doc["status"], name, rows),
        lines=LinesSpec(line_path, line_fields, delimiter),
        description=doc.get("description", ""),
        currency=currency,
        zone=zone,
        first_day=_day(doc.get("first_day"), "first_day") or FIRST_DAY,
        shops=_shops(doc.get("shops")),
    )
    return replace(m, file=file_headers(m, spec)) if spec is not None else m


__all__ = ["HUB_STATUSES", "LINE_FIELDS", "ORDER_FIELDS", "MappingError"]  # re-exported: defined in fields.py
