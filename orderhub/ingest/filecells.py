"""The cells of a staged report: the `Staged` table, its errors, and how headers and cells are cleaned.

Shared by the readers (filetext.py for CSV, xlsxread.py for XLSX) and filestage.py, which picks the reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orderhub.standardize.filespec import FileSpec
from orderhub.standardize.sqlvalues import lit

WHITESPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())  # what str.strip() strips
_EXCEL_TEXT = re.compile(r'^="(.*)"$', re.DOTALL)


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
