"""A dropped report staged as a DuckDB view of texts: one column per header, one row per non-blank line, the cells
as they came (filecells.py).

All or nothing, with a bounded cost: a file is staged completely, or rejected with an `ExportReadError` whose
`reason` is machine-readable (`too_large`, `undecodable`, `line_too_long`, `too_many_fields`, `too_many_rows`,
`sheet_too_large`, `ragged_row`, `malformed_csv`, `bad_headers`, `empty`, `unreadable`, ...) — never half a
file, never unbounded memory. CSV is read by DuckDB's parallel reader (GBK/GB18030 and UTF-16 transcoded to
UTF-8 first, streaming); XLSX streams its first sheet once (xlsxread.py). Headers are cleaned (surrounding
blanks trimmed, Excel protection quoting `="..."` unwrapped), then renamed from the mapping's other spellings
(`file.headers`); cells are kept as they came (the mapping trims what it reads; `strip_excel` unwraps).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from orderhub.ingest import filetext, xlsxread
from orderhub.ingest.filecells import ExportReadError, Staged, clean_text, header_names
from orderhub.standardize.filespec import FileSpec, Limits

__all__ = ["ExportReadError", "Staged", "check_size", "clean_text", "file_format", "header_names", "stage_file"]

_ZIP_MAGIC = b"PK\x03\x04"
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


def file_format(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if head.startswith(_ZIP_MAGIC) and suffix in (*XLSX_SUFFIXES, ""):
        return "xlsx"
    if suffix in XLSX_SUFFIXES:
        raise ExportReadError("unreadable", "not a valid XLSX workbook (no zip container)", str(path))
    if suffix in CSV_SUFFIXES:
        return "csv"
    got = suffix or "no extension"
    raise ExportReadError("unsupported_format", f"expected .csv or .xlsx, got {got!r}", str(path))


def check_size(path: Path, limits: Limits) -> int:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ExportReadError("unreadable", f"cannot read file: {exc}", str(path)) from exc
    if size > limits.max_bytes:
        raise ExportReadError(
            "too_large", f"{size:,} bytes, more than the {limits.max_bytes:,} this channel accepts", str(path)
        )
    return size


def stage_file(con: duckdb.DuckDBPyConnection, path: Path, spec: FileSpec, name: str, workdir: Path) -> Staged:
    """Stage one report as temp table `<name>_s`; raises ExportReadError when it cannot be read whole."""
    path = Path(path)
    size = check_size(path, spec.limits)
    with open(path, "rb") as fh:
        head = fh.read(8)
    fmt = file_format(path, head)
    if fmt not in spec.formats:
        raise ExportReadError(
            "unsupported_format", f"this channel reads {', '.join(spec.formats)}, not {fmt}", str(path)
        )
    if size == 0:
        raise ExportReadError("empty", "file has no header row", str(path))
    if fmt == "xlsx":
        return xlsxread.stage_xlsx(con, path, spec, name)
    return filetext.stage_csv(con, path, spec, name, workdir)
