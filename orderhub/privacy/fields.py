"""The personal-data declarations: `personal_fields.yaml`, plus a seller's own files (ORDERHUB_PERSONAL_FIELDS,
os.pathsep-separated) for mappings in their ORDERHUB_MAPPINGS_DIR; a later file's entry for a mapping replaces the
shipped one."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

SHIPPED = Path(__file__).with_name("personal_fields.yaml")
KINDS = ("name", "phone", "address", "account", "message", "email", "id_number")


class DeclarationError(ValueError):
    pass


@dataclass(frozen=True)
class Field:
    path: tuple[str, ...]
    kind: str
    keep: int = 0  # leading parts of the value kept in clear (an address's province, city, district)
    sep: str = " "

    @property
    def pointer(self) -> str:
        """JSON pointer for DuckDB's json functions ('/consigneeInfo/mobile')."""
        return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in self.path)


def _parse(doc, origin: str) -> dict[str, tuple[Field, ...]]:
    if not isinstance(doc, dict):
        raise DeclarationError(f"{origin}: expected `mapping name: [fields]`")
    out = {}
    for mapping, items in doc.items():
        fields = []
        for i, item in enumerate(items or []):
            where = f"{origin}: {mapping}[{i}]"
            if not isinstance(item, dict) or not isinstance(item.get("path"), str) or not item["path"].strip():
                raise DeclarationError(f"{where}: needs a `path`")
            unknown = set(item) - {"path", "kind", "keep", "sep"}
            if unknown:
                raise DeclarationError(f"{where}: unknown keys {sorted(unknown)}")
            if item.get("kind") not in KINDS:
                raise DeclarationError(f"{where}: kind must be one of {', '.join(KINDS)}")
            keep = item.get("keep", 0)
            if not isinstance(keep, int) or keep < 0:
                raise DeclarationError(f"{where}: keep is a count of leading parts (0 or more)")
            fields.append(Field(tuple(item["path"].split(".")), item["kind"], keep, str(item.get("sep", " "))))
        out[str(mapping)] = tuple(fields)
    return out


def _files() -> list[Path]:
    extra = [Path(p).expanduser() for p in os.environ.get("ORDERHUB_PERSONAL_FIELDS", "").split(os.pathsep) if p]
    return [SHIPPED, *extra]


@cache
def _load(stamps: tuple[tuple[str, int], ...]) -> dict[str, tuple[Field, ...]]:
    merged: dict[str, tuple[Field, ...]] = {}
    for name, _ in stamps:
        path = Path(name)
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise DeclarationError(f"{path}: cannot read: {exc}") from None
        merged |= _parse(doc, str(path))
    return merged


def declared(mapping: str) -> tuple[Field, ...] | None:
    """The mapping's personal fields; None when nothing declares the mapping (only the safety net applies)."""
    stamps = tuple((str(p), p.stat().st_mtime_ns) for p in _files() if p.exists())
    return _load(stamps).get(mapping)
