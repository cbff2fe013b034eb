"""The `file:` section of a mapping: which landing folder it serves and how its reports are read.

```yaml
file:
  folder: olist                  # serves $ORDERHUB_HOME/landing/olist/ (default: the channel)
  match: "*.csv"                 # file names it claims (glob; default "*")
  formats: [csv, xlsx]           # default both
  encoding: auto                 # auto (BOM, UTF-8, else GB18030/GBK) | utf-8 | gbk | gb18030 | utf-16 | latin-1
  delimiter: auto                # auto (tab when the header has tabs and no commas, else ",") | one character
  header_row: 1                  # 1-based line of the header (default: the first non-blank line)
  group_by: order_id             # rows sharing this header's value are ONE order, one line per row
  headers: {买家实际支付金额: [买家实付金额]}   # other spellings of a header, read as the first one
  lines_from:                    # the lines come from a second report of the same download
    match: "ExportOrderDetailList*"   # its file name; the part matching * pairs it with the order report
    key: 订单编号                # the order id column in both reports
    as: items                    # the record key its rows are put under (lines.path)
  limits: {max_bytes: 1073741824, max_rows: 5000000, max_fields: 512, max_line_bytes: 1048576}
```
The headers a file must have are derived from the mapping's own field paths (see `mapping.parse_mapping`).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field, fields, replace
from typing import Any

FORMATS = ("csv", "xlsx")
ENCODINGS = ("auto", "utf-8", "gbk", "gb18030", "utf-16", "latin-1")
ROWS_KEY = "rows"  # group_by records: {"rows": [row, ...]}, the order's rows in file order


class FileSpecError(ValueError):
    pass


@dataclass(frozen=True)
class Limits:
    """What one dropped file may cost. Beyond a limit the file is rejected whole with a reason naming it."""

    max_bytes: int = 1 << 30  # 1 GiB on disk
    max_rows: int = 5_000_000
    max_fields: int = 512  # columns of the header
    max_line_bytes: int = 1 << 20  # one CSV record
    max_sheet_bytes: int = 256 << 20  # an XLSX sheet's XML once unzipped (a zip bomb stops here, not in memory)


@dataclass(frozen=True)
class LinesFrom:
    match: str
    key: str
    as_: str


@dataclass(frozen=True, eq=False)
class FileSpec:
    folder: str
    match: str = "*"
    formats: tuple[str, ...] = FORMATS
    encoding: str = "auto"
    delimiter: str = "auto"
    header_row: int | None = None
    group_by: str | None = None
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # header -> other spellings
    lines_from: LinesFrom | None = None
    limits: Limits = Limits()
    order_headers: tuple[str, ...] = ()  # derived from the field paths: what the (order) report must have
    line_headers: tuple[str, ...] = ()  # lines_from: what the item report must have

    def claims(self, name: str) -> bool:
        return fnmatch.fnmatch(name, self.match)

    def claims_items(self, name: str) -> bool:
        return self.lines_from is not None and fnmatch.fnmatch(name, self.lines_from.match)

    def with_headers(self, order: tuple[str, ...], lines: tuple[str, ...]) -> FileSpec:
        return replace(self, order_headers=order, line_headers=lines)


_KEYS = {"folder", "match", "formats", "encoding", "delimiter", "header_row", "group_by", "headers", "lines_from"}


def read_file_spec(raw: Any, channel: str) -> FileSpec:
    if raw is None:
        return FileSpec(folder=channel)
    if not isinstance(raw, dict) or set(raw) - _KEYS - {"limits"}:
        unknown = sorted(set(raw) - _KEYS - {"limits"}) if isinstance(raw, dict) else raw
        raise FileSpecError(f"file: unknown keys {unknown}; allowed: {sorted(_KEYS | {'limits'})}")
    formats = raw.get("formats", list(FORMATS))
    formats = [formats] if isinstance(formats, str) else formats
    if not formats or set(formats) - set(FORMATS):
        raise FileSpecError(f"file.formats: {formats!r}; allowed: {list(FORMATS)}")
    encoding = str(raw.get("encoding", "auto")).lower()
    if encoding not in ENCODINGS:
        raise FileSpecError(f"file.encoding: {encoding!r}; allowed: {list(ENCODINGS)}")
    delimiter = raw.get("delimiter", "auto")
    if delimiter != "auto" and (not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '"\r\n'):
        raise FileSpecError(f"file.delimiter: {delimiter!r} must be auto or one character (not a quote or newline)")
    header_row = raw.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
        raise FileSpecError(f"file.header_row: {header_row!r} must be a line number from 1")
    aliases = {}
    for header, others in (raw.get("headers") or {}).items():
        others = [others] if isinstance(others, str) else others
        if not isinstance(others, list) or not all(isinstance(o, str) and o for o in others):
            raise FileSpecError(f"file.headers.{header}: expected a list of other spellings, got {others!r}")
        aliases[str(header)] = tuple(others)
    spelled = [o for others in aliases.values() for o in others]
    if len(spelled) != len(set(spelled)) or set(spelled) & set(aliases):
        raise FileSpecError("file.headers: a spelling may stand for one header only")
    return FileSpec(
        folder=str(raw.get("folder", channel)),
        match=str(raw.get("match", "*")),
        formats=tuple(formats),
        encoding=encoding,
        delimiter=delimiter,
        header_row=header_row,
        group_by=raw.get("group_by"),
        aliases=aliases,
        lines_from=_lines_from(raw.get("lines_from")),
        limits=_limits(raw.get("limits")),
    )


def _lines_from(raw: Any) -> LinesFrom | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != {"match", "key", "as"}:
        raise FileSpecError(f"file.lines_from: expected {{match, key, as}}, got {raw!r}")
    return LinesFrom(str(raw["match"]), str(raw["key"]), str(raw["as"]))


def _limits(raw: Any) -> Limits:
    if raw is None:
        return Limits()
    names = {f.name for f in fields(Limits)}
    if not isinstance(raw, dict) or set(raw) - names:
        raise FileSpecError(f"file.limits: expected some of {sorted(names)}, got {raw!r}")
    for k, v in raw.items():
        if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
            raise FileSpecError(f"file.limits.{k}: {v!r} must be a positive integer")
    return replace(Limits(), **raw)
