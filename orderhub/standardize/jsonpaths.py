"""Field paths of a mapping ("orders.order[0].price"): the struct_extract access to one and the from_json
structure that reads every path a mapping uses in one parse."""

from __future__ import annotations

import json

from orderhub.standardize.mapping import Mapping
from orderhub.standardize.paths import segments
from orderhub.standardize.sqlvalues import lit


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
    """The from_json structure of every path the mapping reads (order fields, {path}s of computes, status,
    currency, and the line fields inside the lines list; group_by sums read every row of that list)."""
    tree: dict = {}
    line_tree: dict = {}
    for f in m.fields.values():
        if f.path:
            insert_path(tree if f.agg == "first" else line_tree, f.path)
        for p in f.placeholders:
            insert_path(tree, p)
    insert_path(tree, m.status.path)
    for o in m.status.overrides:
        insert_path(tree, o.path)
    if m.currency.path:
        insert_path(tree, m.currency.path)
    for f in m.lines.fields.values():
        for p in ([f.path] if f.path else []) + list(f.placeholders):
            insert_path(line_tree if m.lines.path is not None else tree, p)
    if m.lines.path is not None:
        insert_list(tree, m.lines.path, line_tree)
    return json.dumps(tree, ensure_ascii=False)


def insert_list(tree: dict, path: str, element: dict) -> None:
    """A list of `element` structs at `path`, merged with what other paths already put into its elements
    (group_by: order fields read rows[0], line fields read every row)."""
    segs = path.split(".")
    node = tree
    for seg in segs[:-1]:
        node = node.setdefault(seg, {})
    current = node.get(segs[-1])
    if isinstance(current, list) and isinstance(current[0], dict):
        _merge(current[0], element)
    else:
        node[segs[-1]] = [element]


def _merge(into: dict, other: dict) -> None:
    for k, v in other.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            _merge(into[k], v)
        elif isinstance(v, list) and isinstance(into.get(k), list) and isinstance(v[0], dict):
            _merge(into[k][0], v[0]) if isinstance(into[k][0], dict) else into.__setitem__(k, v)
        else:
            into.setdefault(k, v)
