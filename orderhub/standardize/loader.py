"""Finding and loading mapping files: the seller's own folder (ORDERHUB_MAPPINGS_DIR) first, then the shipped
`orderhub/mappings/`. Loading parses the file, checks its name and binds its compiled SQL once (compiler
.check_binds), and is cached per file version: an edited mapping is read again without a restart."""

from __future__ import annotations

import os
from dataclasses import replace
from functools import cache
from pathlib import Path

import yaml

from orderhub.standardize.compiler import check_binds
from orderhub.standardize.mapping import MAPPINGS_DIR, Mapping, MappingError, parse_mapping

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, where PyYAML has it: 4x faster


def mapping_dirs() -> list[Path]:
    """The seller's own mapping folders (ORDERHUB_MAPPINGS_DIR, os.pathsep-separated) first, then the shipped ones."""
    own = [Path(p).expanduser() for p in os.environ.get("ORDERHUB_MAPPINGS_DIR", "").split(os.pathsep) if p]
    return [*own, MAPPINGS_DIR]


def mapping_path(name: str) -> Path:
    for folder in mapping_dirs():
        if (folder / f"{name}.yaml").exists():
            return folder / f"{name}.yaml"
    raise MappingError(f"no mapping file {name}.yaml in {', '.join(str(d) for d in mapping_dirs())}")


def load_mapping(name: str) -> Mapping:
    """The mapping of that name, re-read when its file changed (a seller's fix is seen without a restart)."""
    path = mapping_path(name)
    stat = path.stat()
    return load_mapping_file(path, stat.st_mtime_ns, stat.st_size)


@cache
def load_mapping_file(path: Path, mtime_ns: int = 0, size: int = 0) -> Mapping:
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(f"{path}: cannot read the mapping: {exc}") from None
    if not isinstance(doc, dict):
        raise MappingError(f"{path}: a mapping is a YAML mapping (name: ..., channel: ...), got {type(doc).__name__}")
    try:
        m = replace(parse_mapping(doc), origin=str(path))
    except MappingError as exc:
        raise MappingError(f"{path}: {exc}") from None
    if m.name != path.stem:
        raise MappingError(f"{path}: name {m.name!r} must equal the file name {path.stem!r}")
    check_binds(m)
    return m


def all_mappings() -> dict[str, Mapping]:
    names = sorted({p.stem for d in reversed(mapping_dirs()) for p in d.glob("*.yaml")})
    return {n: load_mapping(n) for n in names}
