"""A dropped report staged as a DuckDB table of texts: one column per header, one row per non-blank line.

All or nothing, with a bounded cost: a file is staged completely, or rejected with an `ExportReadError` whose
`reason` is machine-readable (`too_large`, `undecodable`, `line_too_long`, `too_many_fields`, `too_many_rows`,
`sheet_too_large`, `ragged_row`, `malformed_csv`, `bad_headers`, `empty`, `unreadable`, ...) — never half a
file, never unbounded memory. CSV is read by DuckDB's parallel reader (GBK/GB18030 and UTF-16 transcoded to
UTF-8 first, streaming); XLSX streams its first sheet once (xlsxread.py). Cells are cleaned in SQL as the
seller center's quoting needs: surrounding blanks trimmed and Excel protection quoting (`="2612..."`)
unwrapped; headers the same, then renamed from the mapping's other spellings (`file.headers`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orderhub.standardize.filespec import FileSpec, Limits
from orderhub.standardize.sqlvalues import lit

WHITESPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())  # what str.strip() strips
_EXCEL_TEXT = re.compile(r'^="(.*)"$', re.DOTALL)
_ZIP_MAGIC = b"PK\x03\x04"
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


class ExportReadError(ValueError):
    """A file that cannot be loaded as a whole. `reason` is a stable code for hub.quarantine."""

    def __init__(self, reason: str, message: str, path: str | None = None):
        message = message if len(message) <= 500 else message[:497] + "..."  # quarantine messages stay short
        super().__init__(f"{reason}: {message}" + (f" ({path})" if path else ""))
        self.reason, self.message, self.path = reason, message, path

    def __reduce__(self):
        return (type(self), (self.reason, self.message, self.path))


@dataclass
class Staged:
    table: str  # temp table: seq (file order) + c0..cN (cleaned texts, never null)
    headers: list[str]  # header of column c<i> (cleaned, other spellings renamed)
    rows: int
    path: Path
    format: str  # csv | xlsx
    encoding: str | None = None

    def column(self, header: str) -> str | None:
        return f"c{self.headers.index(header)}" if header in self.headers else None


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


def clean_text(value: str) -> str:
    """The Python twin of clean_sql (headers are cleaned in Python, cells in SQL)."""
    value = value.strip()
    match = _EXCEL_TEXT.match(value)
    return match.group(1).replace('""', '"').strip() if match else value


def clean_sql(column: str) -> str:
    ws = lit(WHITESPACE)
    x = f"trim(coalesce({column}, ''), {ws})"
    return (
        f"case when starts_with({x}, '=\"') and ends_with({x}, '\"') and length({x}) >= 3 "
        f"then trim(replace({x}[3:-2], '\"\"', '\"'), {ws}) else {x} end"
    )


def header_names(raw: list[str], spec: FileSpec, where: str) -> list[str]:
    """Cleaned header names (trailing empty columns already dropped), other spellings renamed."""
    header = [clean_text(h).lstrip("\ufeff").strip() for h in raw]
    if len(set(header)) != len(header) or "" in header:
        raise ExportReadError("bad_headers", f"empty or duplicate column names: {header}", where)
    spelled = {other: name for name, others in spec.aliases.items() for other in others}
    renamed = [spelled.get(h, h) for h in header]
    if len(set(renamed)) != len(renamed):
        both = sorted(
            {
                h
                for h in header
                if spelled.get(h) in header or (h in spec.aliases and set(spec.aliases[h]) & set(header))
            }
        )
        raise ExportReadError("bad_headers", f"one column under two of its spellings: {both}", where)
    return renamed


def finish(con: duckdb.DuckDBPyConnection, raw_table: str, width: int, extra: int, path: Path) -> int:
    """Check the columns beyond the header are empty (a line of more fields than the header), then clean every
    cell into `<raw_table>_s` with seq = file order, dropping blank lines. Returns the number of rows."""
    where = str(path)
    for i in range(width, width + extra):
        bad = con.execute(f"select min(rowid) from {raw_table} where {clean_sql(f'c{i}')} <> ''").fetchone()[0]
        if bad is not None:
            raise ExportReadError("ragged_row", f"record {bad + 1} has more fields than the header ({width})", where)
    cells = [clean_sql(f"c{i}") for i in range(width)]
    blank = " and ".join(f"c{i} = ''" for i in range(width)) or "true"
    con.execute(f"""create or replace temp table {raw_table}_s as
        select * from (select rowid as seq, {", ".join(f"{c} as c{i}" for i, c in enumerate(cells))} from {raw_table})
        where not ({blank})""")
    con.execute(f"drop table {raw_table}")
    return con.execute(f"select count(*) from {raw_table}_s").fetchone()[0]


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
    from orderhub.ingest import filetext, xlsxread  # the readers import this module

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
