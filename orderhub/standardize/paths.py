"""Field paths of a mapping: "orders.order[0].price" -> [("orders", None), ("order", 0), ("price", None)]."""

from __future__ import annotations

import re

SEG = re.compile(r"^(?P<name>[^\[\]]+)(\[(?P<idx>\d+)\])?$")


def segments(path: str) -> list[tuple[str, int | None]]:
    out = []
    for seg in path.split("."):
        m = SEG.match(seg)
        if not m:
            raise ValueError(f"bad path segment {seg!r} in {path!r}")
        out.append((m["name"], int(m["idx"]) if m["idx"] is not None else None))
    return out
