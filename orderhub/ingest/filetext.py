"""CSV reports: encoding detection, the header line, and DuckDB's parallel reader for the body.

The encoding is detected from the bytes (UTF-8 with BOM, UTF-16 "Unicode text" with its BOM, UTF-8, else GBK
via its superset GB18030), decoding the whole file in chunks so a bad byte anywhere rejects it before anything
is read. Files not in UTF-8 are transcoded to a UTF-8 copy in chunks (bounded memory) for DuckDB, which then
reads the body strictly: every line must have the header's number of fields, quotes must close, no line may
be longer than the channel's limit.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import tempfile
from pathlib import Path

import duckdb

from orderhub.ingest.filecells import ExportReadError, Staged, finish, header_names
from orderhub.standardize.filespec import FileSpec
from orderhub.standardize.sqlvalues import lit

CHUNK = 4 << 20
DELIMITERS = (",", ";", "\t", "|")
_CSV_LINE = re.compile(r"CSV Error on Line: (\d+)")


def detect_encoding(path: Path, declared: str = "auto") -> str:
    """The Python codec of the file: checked over every byte, so a file that is not valid text is rejected."""
    with open(path, "rb") as fh:
        head = fh.read(4)
    if declared != "auto":
        candidates = [{"gbk": "gb18030", "utf-16": "utf-16", "utf-8": "utf-8-sig"}.get(declared, declared)]
    elif head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        if _decodes(path, encoding):
            return encoding
    raise ExportReadError("undecodable", f"bytes are not valid text in any of: {', '.join(candidates)}", str(path))


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    # outside UTF-16 a NUL character is a NUL byte: found by memchr on the bytes, not a scan of the decoded text
    wide = encoding.startswith("utf-16")
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError:
                return False
            if "\x00" in text if wide else b"\x00" in chunk:
                raise ExportReadError("undecodable", "file contains NUL bytes (binary or corrupted)", str(path))
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def utf8_copy(path: Path, encoding: str, workdir: Path) -> Path:
    """The file itself when DuckDB can read it (UTF-8, with or without BOM), else a UTF-8 copy written in chunks."""
    if encoding in ("utf-8", "utf-8-sig"):
        return path
    workdir.mkdir(parents=True, exist_ok=True)
    out = Path(tempfile.mkstemp(suffix=".csv", dir=workdir)[1])
    decoder = codecs.getincrementaldecoder(encoding)()
    with open(path, "rb") as src, open(out, "w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(CHUNK):
            dst.write(decoder.decode(chunk))
        dst.write(decoder.decode(b"", final=True))
    return out


def header_line(text_path: Path, spec: FileSpec) -> tuple[int, list[str], str]:
    """(physical line number of the header, its fields, the delimiter), reading at most max_line_bytes per line."""
    limit = spec.limits.max_line_bytes
    with open(text_path, encoding="utf-8-sig", newline="") as fh:
        for number in range(1, 10_000):
            line = fh.readline(limit + 1)
            if len(line.encode("utf-8")) > limit and not line.endswith("\n"):
                raise ExportReadError("line_too_long", f"line {number} is longer than {limit:,} bytes", str(text_path))
            if not line:
                break
            wanted = spec.header_row is None and line.strip() or spec.header_row == number
            if wanted:
                delimiter = spec.delimiter if spec.delimiter != "auto" else _delimiter(line)
                fields = next(csv.reader(io.StringIO(line), delimiter=delimiter))
                return number, fields, delimiter
    raise ExportReadError("empty", "file has no header row", str(text_path))


def _delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties keep the earlier one: "," first
    return best if counts[best] else ","


def stage_csv(con: duckdb.DuckDBPyConnection, path: Path, spec: FileSpec, name: str, workdir: Path) -> Staged:
    encoding = detect_encoding(path, spec.encoding)
    text = utf8_copy(path, encoding, workdir)
    try:
        number, raw, delimiter = header_line(text, spec)
        extra = 0
        while raw and not raw[-1].strip():
            raw.pop()  # Taobao's report ends every line with a comma
            extra += 1
        if len(raw) + extra > spec.limits.max_fields:
            raise ExportReadError(
                "too_many_fields", f"{len(raw) + extra:,} columns, more than {spec.limits.max_fields}", str(path)
            )
        headers = header_names(raw, spec, str(path))
        columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(raw) + extra)) + "}"
        # the LIMIT bounds the read of a file with too many rows, but costs an order-preserving pass (as much
        # CPU as the read itself): only where the file has more line breaks than the rows it may hold
        limit = f"limit {spec.limits.max_rows + 1}" if line_breaks(text) >= spec.limits.max_rows else ""
        try:
            con.execute(f"""create or replace temp table {name} as
                select * from read_csv({lit(str(text))}, header = false, skip = {number}, auto_detect = false,
                    columns = {columns}, delim = {lit(delimiter)}, quote = '"', escape = '"', strict_mode = true,
                    max_line_size = {spec.limits.max_line_bytes}, encoding = 'utf-8')
                {limit}""")
        except duckdb.Error as exc:
            raise csv_error(exc, path, len(raw) + extra) from None
        if con.execute(f"select count(*) from {name}").fetchone()[0] > spec.limits.max_rows:
            raise ExportReadError("too_many_rows", f"more than {spec.limits.max_rows:,} rows", str(path))
        rows = finish(con, name, len(raw), extra, path)
    finally:
        if text != path:
            text.unlink(missing_ok=True)
    return Staged(f"{name}_s", headers, rows, path, "csv", encoding)


def line_breaks(path: Path) -> int:
    """\n and \r bytes in the file: at least as many as the records after its header line (each record but the
    last ends in one, and so does the header; a CRLF counts twice). A memchr count: ~0.05 s per 100 MB."""
    n = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            n += chunk.count(b"\n") + chunk.count(b"\r")
    return n


def csv_error(exc: duckdb.Error, path: Path, width: int) -> ExportReadError:
    """DuckDB's reader error as a reason and a short message (its text quotes the whole offending line)."""
    text = str(exc)
    line = _CSV_LINE.search(text)
    at = f"line {line.group(1)}: " if line else ""
    if "Maximum line size" in text or "maximum line size" in text:
        return ExportReadError("line_too_long", f"{at}a line is longer than the channel's limit", str(path))
    if "Expected Number of Columns" in text:
        found = re.search(r"Found: (\d+)", text)
        got = f"{found.group(1)} fields" if found else "another number of fields"
        return ExportReadError("ragged_row", f"{at}{got}, the header has {width}", str(path))
    if "unterminated quote" in text:
        return ExportReadError("malformed_csv", f"{at}a quote is never closed", str(path))
    return ExportReadError("malformed_csv", f"{at}{text.splitlines()[0][:200]}", str(path))
