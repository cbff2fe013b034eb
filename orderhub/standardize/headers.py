"""The headers a file channel's reports must have, derived from the mapping's own field paths.

A report that lacks one of them is rejected whole with the missing names; optional fields' headers may be
absent (their values are then empty, and `orderhub mapping check` says so).
"""

from __future__ import annotations

from orderhub.standardize.fields import LINE_FIELDS, ORDER_FIELDS, MappingError
from orderhub.standardize.filespec import ROWS_KEY, FileSpec
from orderhub.standardize.paths import segments


def _header(path: str, rows: bool) -> str:
    prefix = f"{ROWS_KEY}[0]."
    return segments(path[len(prefix) :] if rows and path.startswith(prefix) else path)[0][0]


def file_headers(m, spec: FileSpec) -> FileSpec:  # m: mapping.Mapping (which calls this while it is parsed)
    rows = spec.group_by is not None
    if rows and spec.lines_from:
        raise MappingError(f"{m.name}: file.group_by and file.lines_from exclude each other")
    # an aggregate reads its path in every line: for lines_from, a column of the item report
    summed = [_header(f.path, False) for f in m.fields.values() if f.required and f.path and f.agg != "first"]
    order = [_header(f.path, rows) for f in m.fields.values() if f.required and f.path and f.agg == "first"]
    order += [_header(p, rows) for n, f in m.fields.items() if ORDER_FIELDS[n] and not f.path for p in f.placeholders]
    order.append(_header(m.status.path, rows))
    required_lines = [f for n, f in m.lines.fields.items() if LINE_FIELDS[n]]
    lines = summed + [_header(f.path, False) for f in required_lines if f.path and f.required]
    lines += [_header(p, False) for f in required_lines if not f.path for p in f.placeholders]  # a fallback is optional
    if rows:
        order.append(spec.group_by)
    if spec.lines_from is None:
        return spec.with_headers(tuple(dict.fromkeys(order + lines)), ())
    if m.lines.path != spec.lines_from.as_:
        raise MappingError(
            f"{m.name}: lines.path must be {spec.lines_from.as_!r}, the key file.lines_from puts them under"
        )
    key = spec.lines_from.key
    return spec.with_headers(tuple(dict.fromkeys([key, *order])), tuple(dict.fromkeys([key, *lines])))
