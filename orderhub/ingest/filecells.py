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
    table: str  # temp view: seq (file order) + c0..cN (the cells as read, "" when empty)
    headers: list[str]  # header of column c<i> (cleaned, other spellings renamed)
    rows: int
    path: Path
    format: str  # csv | xlsx
    encoding: str | None = None

    def column(self, header: str) -> str | None:
        return f"c{self.headers.index(header)}" if header in self.headers else None


def clean_text(value: str) -> str:
    """The Python twin of trim_sql + unwrap_sql (headers are cleaned in Python, cells in SQL)."""
    value = value.strip()
    match = _EXCEL_TEXT.match(value)
    return match.group(1).replace('""', '"').strip() if match else value


def _trimmed(x: str) -> str:
    # trim(x, all of str.strip()'s characters) costs ~20x a copy: only for texts that start or end with a byte
    # below '!' or hold non-ASCII (where a wide space could be)
    odd = f"{x} < '!' or right({x}, 1) < '!' or strlen({x}) <> length({x})"
    return f"case when {odd} then trim({x}, {lit(WHITESPACE)}) else {x} end"


def trim_sql(column: str) -> str:
    """A cell as text, trimmed like str.strip() (first of the two steps of clean_text)."""
    return _trimmed(f"coalesce({column}, '')")


def unwrap_sql(x: str) -> str:
    """Excel's protection quoting unwrapped from a trimmed cell `x` (a column: it is read several times)."""
    inner = _trimmed(f"replace({x}[3:-2], '\"\"', '\"')")
    return f"case when starts_with({x}, '=\"') and ends_with({x}, '\"') and length({x}) >= 3 then {inner} else {x} end"


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
    """Check the columns beyond the header are empty (a line of more fields than the header), then keep the
    cells exactly as read (an empty field is "") in `<raw_table>_s` with seq = file order, dropping blank lines.
    Cells are not trimmed or unwrapped here: the compiled mapping trims the texts it reads (and unwraps
    `strip_excel` fields), so raw keeps the report as it came. Returns the number of rows. The caller drops the
    view and `raw_table` (drop_staged)."""
    where = str(path)
    for i in range(width, width + extra):
        bad = con.execute(f"select min(rowid) from {raw_table} where {trim_sql(f'c{i}')} <> ''").fetchone()[0]
        if bad is not None:
            raise ExportReadError("ragged_row", f"record {bad + 1} has more fields than the header ({width})", where)
    cells = ", ".join(f"coalesce(c{i}, '') as c{i}" for i in range(width))
    blank = " and ".join(f"{trim_sql(f'c{i}')} = ''" for i in range(width)) or "true"
    # the exact test trims every cell (2.4 CPU s per 1M rows of 14 cells): a row with a cell that starts with a
    # printable ASCII character is not blank, which settles almost every row on a byte comparison or two
    # (OR in a filter runs its next term only on the rows the earlier ones left open)
    printable = "".join(f"(c{i} >= '!' and c{i} < '\x7f') or " for i in range(width))
    # a view, not a copy: the records are built from it once, and a copy of every cell costs as much as the read
    con.execute(f"""create or replace temp view {raw_table}_s as
        select rowid as seq, {cells} from {raw_table} where {printable}not ({blank})""")
    return con.execute(f"select count(*) from {raw_table}_s").fetchone()[0]


def clean_sql(column: str) -> str:
    """A cell cleaned like clean_text (trimmed, Excel quoting unwrapped): for key columns that group or join rows."""
    return f"list_transform([{trim_sql(column)}], lambda x: {unwrap_sql('x')})[1]"  # x: trimmed once


def drop_staged(con: duckdb.DuckDBPyConnection, staged: Staged | None) -> None:
    if staged is not None:
        con.execute(f"drop view if exists {staged.table}; drop table if exists {staged.table.removesuffix('_s')}")
