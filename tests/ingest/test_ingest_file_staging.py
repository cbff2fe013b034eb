"""Staging a CSV report: a line is blank only when every cell trims to nothing (str.strip()'s whitespace, wide
spaces included); a line with any cell left, wherever it is and whatever it starts with, is a row. The staging
settles most rows on a byte comparison and trims only the rest: both paths must agree with the Python rule."""

from __future__ import annotations

import duckdb

from orderhub.ingest.filestage import stage_file
from orderhub.standardize.filespec import FileSpec

LINES = [
    ("a,b,c", True),
    (",,", False),
    (" , \t,\u3000", False),  # only whitespace, a wide space among it
    ("\u00a0,\u2009,\u3000\u3000", False),
    (",,x", True),  # the only cell is the last
    ("\u3000,,\u5ba2", True),  # starts with a wide space, holds a CJK character
    (",é,", True),  # non-ASCII first byte
    (" ,~,", True),  # printable ASCII after a blank cell
    ('" ","\u3000",""', False),  # quoted blanks
    ('"\n",,', False),  # a quoted newline is whitespace too
    ("=,,", True),
]


def test_blank_lines_are_dropped_and_every_line_with_a_cell_is_kept(tmp_path):
    path = tmp_path / "report.csv"
    body = "\n".join(line for line, _ in LINES)
    path.write_text(f"h1,h2,h3\n{body}\n", encoding="utf-8")
    con = duckdb.connect()
    staged = stage_file(con, path, FileSpec(folder="x", delimiter=","), "_t", tmp_path)
    kept = con.execute(f"select c0, c1, c2 from {staged.table} order by seq").fetchall()
    expected = [line for line, keep in LINES if keep]
    assert staged.rows == len(expected) == len(kept)
    assert [",".join(r) for r in kept] == expected
    for (line, keep), cells in zip(LINES, _python_cells(LINES), strict=True):
        assert keep == any(c.strip() for c in cells), line  # the expectations follow str.strip()


def _python_cells(lines):
    import csv
    import io

    return [next(csv.reader(io.StringIO(line))) for line, _ in lines]
