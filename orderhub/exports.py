"""A seller-center report read whole into dicts, one per row keyed by its headers, cells cleaned (trimmed, Excel's
`="..."` quoting unwrapped).

The landing never goes through dicts (orderhub.ingest.fileland stages files in DuckDB and builds records in
SQL); this is for readers that want the rows themselves: the reconciliation of archived reports and tests.
It reads exactly as the landing does, with the reading options of the mapping (default: the combined
Tmall/Taobao order report, `taobao_export`), and raises the same `ExportReadError`s.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb

from orderhub.ingest.filestage import ExportReadError, clean_text, stage_file
from orderhub.standardize.loader import load_mapping

__all__ = ["MAPPING", "ExportReadError", "read_export", "required_headers"]

MAPPING = "taobao_export"


def required_headers(mapping: str = MAPPING) -> tuple[str, ...]:
    """The headers a report of that mapping must have (derived from the mapping's field paths)."""
    return load_mapping(mapping).file.order_headers


def read_export(path: Path, mapping: str | None = None, role: str = "main") -> tuple[str, list[dict]]:
    """(mapping name, records) for a report; raises ExportReadError if it cannot be read whole or lacks the
    mapping's required headers (`role` "items": the item report of a report pair)."""
    m = load_mapping(mapping or MAPPING)
    con = duckdb.connect()
    try:
        with tempfile.TemporaryDirectory() as work:
            staged = stage_file(con, Path(path), m.file, "_export", Path(work))
        wanted = m.file.line_headers if role == "items" else m.file.order_headers
        missing = [h for h in wanted if h not in staged.headers]
        if missing:
            what = f"a {m.name} report" + (f" ({m.description})" if m.description else "")
            raise ExportReadError("missing_headers", f"not {what}: missing columns {', '.join(missing)}", str(path))
        rows = con.execute(f"select * exclude (seq) from {staged.table} order by seq").fetchall()
    finally:
        con.close()
    return m.name, [dict(zip(staged.headers, map(clean_text, row))) for row in rows]
