"""XLSX reports: the first sheet streamed once, in bounded memory, into a staging table.

openpyxl's streaming parser reads the sheet XML row by row; this reads it once (openpyxl's own API would need
two passes: cached values, and the formula text of `="2612..."` cells, whose cached value is missing or a
placeholder 0 when xlsxwriter wrote them). Limits are checked before and while reading: the sheet's unzipped
size (a small file can unzip to gigabytes), its shared strings, rows and columns. Rows go to DuckDB in chunks.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time
from pathlib import Path

import duckdb
import pyarrow as pa

from orderhub.ingest.filecells import _EXCEL_TEXT, ExportReadError, Staged, finish, header_names
from orderhub.standardize.filespec import FileSpec

CHUNK_ROWS = 50_000


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _parser_class():
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class OnePass(WorkSheetParser):
        """Cached values, except a literal text formula (="...") which is read from its formula text."""

        def parse_cell(self, element):
            formula = element.find(FORMULA_TAG)
            if formula is not None and formula.text and _EXCEL_TEXT.match("=" + formula.text):
                cell = super().parse_cell(element)
                cell["value"] = "=" + formula.text
                return cell
            return super().parse_cell(element)

    return OnePass


def _check_sizes(archive: zipfile.ZipFile, sheet: str, spec: FileSpec, where: str) -> None:
    limit = spec.limits.max_sheet_bytes
    for info in archive.infolist():
        if info.filename in (sheet, "xl/sharedStrings.xml") and info.file_size > limit:
            raise ExportReadError(
                "sheet_too_large",
                f"{info.filename} unzips to {info.file_size:,} bytes, more than the {limit:,} this channel accepts",
                where,
            )


def rows(path: Path, spec: FileSpec):
    """Every row of the first sheet as a list of texts (a missing row is an empty list)."""
    import openpyxl

    where = str(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise ExportReadError(
            "unreadable", f"not a readable XLSX workbook: {type(exc).__name__}: {exc}", where
        ) from exc
    try:
        ws = wb.worksheets[0]
        _check_sizes(wb._archive, ws._worksheet_path, spec, where)
        with ws._get_source() as src:
            parser = _parser_class()(
                src,
                ws._shared_strings,
                data_only=True,
                epoch=wb.epoch,
                date_formats=wb._date_formats,
                timedelta_formats=wb._timedelta_formats,
            )
            expected = 1
            for number, cells in parser.parse():
                for _ in range(expected, number):
                    yield []
                expected = number + 1
                if number > spec.limits.max_rows + 1:
                    raise ExportReadError("too_many_rows", f"more than {spec.limits.max_rows:,} rows", where)
                width = max((c["column"] for c in cells), default=0)
                if width > spec.limits.max_fields:
                    raise ExportReadError("too_many_fields", f"row {number} has {width:,} columns", where)
                out = [""] * width
                for c in cells:
                    out[c["column"] - 1] = _cell_text(c["value"])
                yield out
    except ExportReadError:
        raise
    except Exception as exc:
        raise ExportReadError("unreadable", f"damaged XLSX workbook: {type(exc).__name__}: {exc}", where) from exc
    finally:
        wb.close()


def stage_xlsx(con: duckdb.DuckDBPyConnection, path: Path, spec: FileSpec, name: str) -> Staged:
    where = str(path)
    it = rows(path, spec)
    header: list[str] | None = None
    number = 0
    for number, row in enumerate(it, start=1):
        if (spec.header_row is None and any(c.strip() for c in row)) or spec.header_row == number:
            header = row
            break
    if header is None:
        raise ExportReadError("empty", "file has no header row", where)
    while header and not header[-1].strip():
        header.pop()
    width = len(header)
    headers = header_names(header, spec, where)
    con.execute(f"create or replace temp table {name} ({', '.join(f'c{i} varchar' for i in range(width))})")
    chunk: list[list[str]] = []
    for record_no, row in enumerate(it, start=number + 1):
        if len(row) > width and any(c.strip() for c in row[width:]):
            raise ExportReadError(
                "ragged_row", f"row {record_no} has values beyond the header's {width} columns", where
            )
        chunk.append(row[:width] + [""] * (width - len(row)))  # a sheet row may simply end early
        if len(chunk) >= CHUNK_ROWS:
            _insert(con, name, chunk, width)
            chunk = []
    _insert(con, name, chunk, width)
    return Staged(f"{name}_s", headers, finish(con, name, width, 0, path), path, "xlsx")


def _insert(con: duckdb.DuckDBPyConnection, name: str, chunk: list[list[str]], width: int) -> None:
    if not chunk:
        return
    batch = pa.table({f"c{i}": pa.array([r[i] for r in chunk], pa.string()) for i in range(width)})  # noqa: F841
    con.execute(f"insert into {name} select * from batch")
