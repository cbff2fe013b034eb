"""Field paths of a mapping ("orders.order[0].price"): the struct_extract access to one and the from_json
structure that reads every path a mapping uses in one parse."""

from __future__ import annotations

import json
import re

from orderhub.standardize.mapping import Mapping
from orderhub.standardize.sqlvalues import lit

SEG = re.compile(r"^(?P<name>[^\[\]]+)(\[(?P<idx>\d+)\])?$")


def segments(path: str) -> list[tuple[str, int | None]]:
    out = []
    for seg in path.split("."):
        m = SEG.match(seg)
        if not m:
            raise ValueError(f"bad path segment {seg!r} in {path!r}")
        out.append((m["name"], int(m["idx"]) if m["idx"] is not None else None))
    return out


def insert_path(tree: dict, path: str, leaf: object = "VARCHAR") -> None:
    node = tree
    segs = segments(path)
    for i, (name, idx) in enumerate(segs):
        last = i == len(segs) - 1
        if idx is not None:  # a list: descend into its element struct
            holder = node.setdefault(name, [{}])
            if not isinstance(holder, list):
                raise ValueError(f"path {path!r} uses {name} both as a list and a value")
            if last:
                holder[0] = leaf
                return
            node = holder[0]
        elif last:
            if name in node and node[name] != leaf and leaf == "VARCHAR":
                raise ValueError(f"path {path!r} is both a value and a container")
            node.setdefault(name, leaf)
        else:
            node = node.setdefault(name, {})
            if not isinstance(node, dict):
                raise ValueError(f"path {path!r} goes through a value")


def access(base: str, path: str) -> str:
    expr = base
    for name, idx in segments(path):
        expr = f"struct_extract({expr}, {lit(name)})"
        if idx is not None:
            expr = f"list_extract({expr}, {idx + 1})"
    return expr


def structure(m: Mapping) -> str:
    tree: dict = {}
    for f in m.fields.values():
        if f.path:
            insert_path(tree, f.path)
    insert_path(tree, m.status.path)
    for o in m.status.overrides:
        insert_path(tree, o.path)
    if m.lines.path is not None:
        line_tree: dict = {}
        for f in m.lines.fields.values():
            if f.path:
                insert_path(line_tree, f.path)
        insert_list(tree, m.lines.path, line_tree)
    else:
        for f in m.lines.fields.values():
            if f.path:
                insert_path(tree, f.path)
    return json.dumps(tree, ensure_ascii=False)


def insert_list(tree: dict, path: str, element: dict) -> None:
    segs = path.split(".")
    node = tree
    for seg in segs[:-1]:
        node = node.setdefault(seg, {})
    node[segs[-1]] = [element]
