"""Declarative channel mappings: one YAML file per source format in `orderhub/mappings/`.

A mapping says where each hub field lives in the raw record (a dotted path, `[n]` for list items), how
money is written (yuan strings or integer fen), how time is written (a strptime format + zone, or epoch
seconds), how platform statuses map to hub statuses, and where the order lines are. The compiler turns
it into DuckDB SQL; nothing here touches data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

MAPPINGS_DIR = Path(__file__).resolve().parent.parent / "mappings"

HUB_STATUSES = ("pending_payment", "paid", "shipped", "completed", "cancelled", "refunded")

# Order fields the hub needs. Required ones quarantine the record when missing or unreadable.
ORDER_FIELDS: dict[str, bool] = {
    "channel_order_id": True,
    "source_updated_at": True,
    "created_at": True,
    "paid_at": False,
    "shipped_at": False,
    "completed_at": False,
    "cancelled_at": False,
    "total_fen": True,
    "discount_fen": False,
    "freight_fen": False,
    "paid_fen": True,
    "buyer_id": False,
    "promotion_type": False,
    "receiver_province": False,
    "receiver_city": False,
    "shop_id": False,
}
LINE_FIELDS: dict[str, bool] = {
    "channel_sku": True,
    "quantity": True,
    "unit_price_fen": False,
    "paid_fen": False,
    "status": False,
}


class MappingError(ValueError):
    """The mapping file itself is wrong (caught when it is loaded, not when data arrives)."""


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
    money: str = "yuan"  # yuan | fen
    time: TimeFormat | None = None
    compute: str | None = None  # SQL over other standardized fields; with a path: used only when it is absent
    default: Any = None
    split: tuple[str, int] | None = None  # (separator, 1-based index): "浙江省 杭州市 ..." -> 杭州市
    strip_excel: bool = False  # ="123" (spreadsheet-safe quoting) -> 123


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


def _kind(name: str) -> str:
    if name.endswith("_fen"):
        return "money"
    if name.endswith("_at"):
        return "time"
    return "int" if name == "quantity" else "str"


def _time(raw: Any, default: TimeFormat) -> TimeFormat:
    if raw is None:
        return default
    if isinstance(raw, str):
        return TimeFormat(raw, default.zone, default.zero_is_null)
    return TimeFormat(raw.get("format", default.format), raw.get("zone", default.zone), raw.get("zero_is_null", True))


def _field(name: str, raw: Any, required: bool, money: str, time: TimeFormat) -> FieldSpec:
    spec = {"path": raw} if isinstance(raw, str) else dict(raw or {})
    unknown = set(spec) - {"path", "money", "time", "compute", "default", "required", "split", "strip_excel"}
    if unknown:
        raise MappingError(f"field {name}: unknown keys {sorted(unknown)}")
    if not spec.get("path") and "compute" not in spec and "default" not in spec and required:
        raise MappingError(f"field {name} is required: give a path, compute or default")
    split = spec.get("split")
    return FieldSpec(
        # a compute next to a path is the fallback when the record lacks the field: not missing then
        name=name,
        path=spec.get("path"),
        required=bool(spec.get("required", required)) and "default" not in spec and "compute" not in spec,
        kind=_kind(name),
        money=spec.get("money", money),
        time=_time(spec.get("time"), time),
        compute=spec.get("compute"),
        default=spec.get("default"),
        split=(split["sep"], int(split["index"])) if split else None,
        strip_excel=bool(spec.get("strip_excel")),
    )


def parse_mapping(doc: dict[str, Any]) -> Mapping:
    for key in ("name", "channel", "source", "order", "status", "lines"):
        if key not in doc:
            raise MappingError(f"mapping is missing '{key}'")
    money = doc.get("money", "yuan")
    time = _time(doc.get("time"), TimeFormat("%Y-%m-%d %H:%M:%S", "Asia/Shanghai"))
    order = doc["order"]
    unknown = set(order) - set(ORDER_FIELDS)
    if unknown:
        raise MappingError(f"{doc['name']}: unknown order fields {sorted(unknown)}")
    fields = {n: _field(n, order.get(n), req, money, time) for n, req in ORDER_FIELDS.items() if n in order or req}
    st = doc["status"]
    bad = {v for v in st["map"].values() if v not in HUB_STATUSES}
    overrides = tuple(
        StatusOverride(
            o["path"],
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
        raise MappingError(f"{doc['name']}: statuses {sorted(bad)} are not hub statuses {HUB_STATUSES}")
    lines = dict(doc["lines"])
    line_path, delimiter = lines.pop("path", None), lines.pop("delimiter", None)
    if line_path is None and delimiter is None:
        raise MappingError(f"{doc['name']}: lines need a 'path' (list) or a 'delimiter' (split order fields)")
    line_fields = {n: _field(n, lines.get(n), req, money, time) for n, req in LINE_FIELDS.items() if n in lines or req}
    return Mapping(
        name=doc["name"],
        channel=doc["channel"],
        source=doc["source"],
        default_shop_id=doc.get("default_shop_id"),
        fields=fields,
        status=StatusSpec(st["path"], {str(k): v for k, v in st["map"].items()}, overrides),
        lines=LinesSpec(line_path, line_fields, delimiter),
        description=doc.get("description", ""),
    )


@cache
def load_mapping(name: str, directory: Path = MAPPINGS_DIR) -> Mapping:
    path = directory / f"{name}.yaml"
    if not path.exists():
        raise MappingError(f"no mapping file {path}")
    return parse_mapping(yaml.safe_load(path.read_text(encoding="utf-8")))


def all_mappings(directory: Path = MAPPINGS_DIR) -> dict[str, Mapping]:
    return {p.stem: load_mapping(p.stem, directory) for p in sorted(directory.glob("*.yaml"))}
