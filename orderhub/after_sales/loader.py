"""Read and validate after-sales mapping files (`orderhub/mappings/after_sales/*.yaml`) into TicketMapping.

Every error is caught when the file is loaded, not when data arrives, and names the file and the key at
fault. Files whose name starts with `_` hold shared defaults (`_defaults.yaml`: the reason keyword rules)
that a mapping takes with `reason_rules: default`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from orderhub.after_sales.compiler import ticket_sql
from orderhub.after_sales.mapping import (
    OUTCOMES,
    TICKET_FIELDS,
    TICKET_TYPES,
    ReasonRule,
    TicketField,
    TicketMapping,
    Value,
    read_code,
    read_code_map,
    read_field,
    read_rules,
    read_times,
    read_value,
)
from orderhub.standardize.mapping import MAPPINGS_DIR, MappingError, TimeFormat

AFTER_SALES_DIR = MAPPINGS_DIR / "after_sales"
DEFAULTS_FILE = "_defaults.yaml"
REQUIRED_FIELDS = ("channel_order_id", "created_at", "updated_at")
TOP_KEYS = {
    "name",
    "feed",
    "source",
    "channel",
    "description",
    "money",
    "time",
    "lines",
    "ticket",
    "status",
    "type",
    "exchange",
}
DEFAULT_TIME = (TimeFormat("%Y-%m-%d %H:%M:%S", "Asia/Shanghai", zero_is_null=False),)


def _ticket_fields(doc: dict) -> dict[str, TicketField]:
    ticket = doc["ticket"]
    if not isinstance(ticket, dict):
        raise MappingError("ticket: expected a mapping of ticket field -> path")
    unknown = set(ticket) - set(TICKET_FIELDS)
    missing = [f"ticket.{f}" for f in REQUIRED_FIELDS if f not in ticket]
    missing += [f"'{f}' (at the top or as ticket.{f})" for f in ("channel", "source") if not ticket.get(f, doc.get(f))]
    if unknown or missing:
        raise MappingError(
            f"ticket: unknown fields {sorted(unknown)} (known: {list(TICKET_FIELDS)})"
            if unknown
            else f"missing {', '.join(missing)}"
        )
    if ("ticket_code" in ticket) == ("platform_id" in ticket):
        raise MappingError(
            "ticket: give exactly one of ticket_code (the record's own code) or platform_id "
            "(code '<channel>:<platform_id>')"
        )
    money = doc.get("money", "yuan")
    if money not in ("yuan", "fen"):
        raise MappingError(f"money: {money!r} is not yuan or fen")
    times = read_times(doc.get("time"), "time", DEFAULT_TIME)
    return {n: read_field(n, ticket[n], money, times) for n in TICKET_FIELDS if n in ticket}


def _exchange(raw: Any) -> tuple[tuple[Value, tuple[str, ...]], ...]:
    """One {path|line, equals} or a list of them: any that matches makes the ticket an exchange."""
    out = []
    for i, cond in enumerate(raw if isinstance(raw, list) else [] if raw is None else [raw]):
        key = f"exchange[{i}]" if isinstance(raw, list) else "exchange"
        at, spec = read_value(cond, key, {"equals"})
        if "equals" not in spec:
            raise MappingError(f"{key}: 'equals' is required (the value or values that mean an exchange)")
        equals = spec["equals"] if isinstance(spec["equals"], list) else [spec["equals"]]
        out.append((at, tuple(read_code(f"{key}.equals", v) for v in equals)))
    return tuple(out)


def _parse(doc: Any, name: str, shared: tuple[ReasonRule, ...] | None) -> TicketMapping:
    if not isinstance(doc, dict):
        raise MappingError("the file must hold a mapping of keys")
    missing = [k for k in ("name", "feed", "ticket", "status", "type") if k not in doc]
    if set(doc) - TOP_KEYS or missing:
        raise MappingError(
            f"unknown keys {sorted(set(doc) - TOP_KEYS)}" if set(doc) - TOP_KEYS else f"missing {missing}"
        )
    if doc["name"] != name:
        raise MappingError(f"name: {doc['name']!r} differs from the file name {name!r}")
    fields = _ticket_fields(doc)
    lines = doc.get("lines")
    if lines is not None and (not isinstance(lines, str) or "[" in lines or read_value(lines, "lines")[0].in_line):
        raise MappingError(f"lines: expected the dotted path of a list, got {lines!r}")
    status, _ = read_code_map(doc["status"], "status", OUTCOMES, required=True)
    type_, type_spec = read_code_map(doc["type"], "type", TICKET_TYPES, required=False)
    rules = type_spec.get("reason_rules", [])
    if rules == "default" and shared is None:
        raise MappingError(f"type.reason_rules: 'default' but there is no {DEFAULTS_FILE} next to the mapping")
    rules = shared if rules == "default" else read_rules(rules, "type.reason_rules")
    if rules and "reason" not in fields:
        raise MappingError("type.reason_rules: the rules read the reason text; map ticket.reason")
    exchange = _exchange(doc.get("exchange"))
    per_line = [
        k
        for k, v in [
            *((k, f.at) for k, f in fields.items()),
            ("status", status.at),
            ("type", type_.at),
            *(("exchange", at) for at, _ in exchange),
        ]
        if v.in_line
    ]
    if bool(per_line) != (lines is not None):
        raise MappingError(
            f"{per_line} read 'line:' values but the mapping declares no 'lines'"
            if per_line
            else "lines: declared, but no value reads the line ({line: ...})"
        )
    m = TicketMapping(
        name=name,
        feed=str(doc["feed"]),
        source=doc.get("source"),
        channel=doc.get("channel"),
        fields=fields,
        status=status,
        type=type_,
        reason_rules=rules,
        exchange=exchange,
        lines=lines,
        description=doc.get("description", ""),
    )
    try:
        ticket_sql(m)  # paths that clash (one a value, another going through it) show up when compiled
    except ValueError as exc:
        raise MappingError(f"paths: {exc}") from None
    return m


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise MappingError(f"{path}: not valid YAML: {exc}") from None


def parse_ticket_mapping(
    doc: Any, name: str, origin: str = "<mapping>", shared_rules: tuple[ReasonRule, ...] | None = None
) -> TicketMapping:
    """Validate one mapping document; every error names `origin` (the file) and the key at fault."""
    try:
        return _parse(doc, name, shared_rules)
    except MappingError as exc:
        raise MappingError(f"{origin}: {exc}") from None


@cache
def _shared_rules(directory: Path) -> tuple[ReasonRule, ...] | None:
    path = directory / DEFAULTS_FILE
    if not path.exists():
        return None
    doc = _read(path)
    try:
        return read_rules(doc.get("reason_rules") if isinstance(doc, dict) else doc, "reason_rules")
    except MappingError as exc:
        raise MappingError(f"{path}: {exc}") from None


@cache
def load_ticket_mapping(name: str, directory: Path = AFTER_SALES_DIR) -> TicketMapping:
    path = directory / f"{name}.yaml"
    if not path.exists():
        raise MappingError(f"no after-sales mapping file {path}")
    return parse_ticket_mapping(_read(path), name, str(path), _shared_rules(directory))


def all_ticket_mappings(directory: Path = AFTER_SALES_DIR) -> dict[str, TicketMapping]:
    found = {
        p.stem: load_ticket_mapping(p.stem, directory)
        for p in sorted(directory.glob("*.yaml"))
        if not p.name.startswith("_")
    }
    feeds: dict[str, str] = {}
    for name, m in found.items():
        if m.feed in feeds:  # two mappings of one feed would land every record twice
            raise MappingError(f"{directory}: {feeds[m.feed]}.yaml and {name}.yaml both read feed {m.feed!r}")
        feeds[m.feed] = name
    return found
