"""The edges of the landing folder (issue 14, point 10), each with a hostile file that the old landing got
wrong: files still being written, temporary names, files that grow after landing, files that cost without
bound, paths out of the folder, and an API window that keeps failing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from report_files import ITEM_HEADERS, ORDER_HEADERS, csv_bytes, orders
from test_ingest_landing import HEADER, ROWS, _csv

from orderhub.calllog import CallLog
from orderhub.ingest import fileland
from orderhub.ingest.fileland import land_dropped
from orderhub.ingest.folder import grown, open_for_writing, ready_files
from orderhub.ingest.landing import get_cursor
from orderhub.ingest.pull import PullReport, pull_api
from orderhub.standardize.mapping import MAPPINGS_DIR


def _land(con, home, paths=(), regrown=()) -> PullReport:
    report = PullReport()
    land_dropped(
        con,
        list(paths),
        landing=home.landing,
        archive=home.archive,
        workdir=home.home / "tmp",
        report=report,
        regrown=list(regrown),
    )
    return report


def _rows(n: int, start: int = 0) -> list[list[str]]:
    out = []
    for i in range(start, start + n):
        row = list(ROWS[1])
        row[0] = f'="26123456789{i:05d}"'
        out.append(row)
    return out


def _stored(con) -> int:
    return con.execute("select count(*) from raw.channel_orders where quarantine_reason is null").fetchone()[0]


def _file_reasons(con) -> list[str]:
    return [r[0] for r in con.execute("select reason from hub.quarantine where entity = 'file' order by 1").fetchall()]


@pytest.fixture()
def writer(tmp_path):
    """A separate process holding a file open for appending until told to finish."""
    procs = []

    def start(path: Path, first: bytes, rest: bytes):
        go = tmp_path / f"go-{len(procs)}"
        code = (
            "import sys, time, pathlib\n"
            "f = open(sys.argv[1], 'ab'); f.write(bytes.fromhex(sys.argv[2])); f.flush()\n"
            "pathlib.Path(sys.argv[4] + '.ready').touch()\n"
            "while not pathlib.Path(sys.argv[4]).exists(): time.sleep(0.05)\n"
            "f.write(bytes.fromhex(sys.argv[3])); f.close()\n"
        )
        p = subprocess.Popen([sys.executable, "-c", code, str(path), first.hex(), rest.hex(), str(go)])
        procs.append(p)
        while not Path(str(go) + ".ready").exists():
            time.sleep(0.05)
        return lambda: (go.touch(), p.wait(timeout=10))

    yield start
    for p in procs:
        p.kill()


def test_a_file_still_being_written_is_not_read_until_its_writer_is_done(con, orderhub_home, writer):
    path = orderhub_home.landing_for("taobao") / "orders.csv"
    whole = _csv(_rows(40))
    half = whole.index(b"\r\n", len(whole) // 2) + 2  # a clean cut between two lines: it parses as a file
    finish = writer(path, whole[:half], whole[half:])
    assert open_for_writing(path)
    old = time.time() - 60
    os.utime(path, (old, old))  # settled by its time, the rule that failed before
    previous = ready_files(orderhub_home.landing, {}, 5)[1]
    assert ready_files(orderhub_home.landing, previous, 5)[0] == []
    report = _land(con, orderhub_home, [path])
    assert path.exists() and not report.batches and "open for writing" in report.files_waiting[0]
    finish()
    report = _land(con, orderhub_home, [path])
    assert [(b.received, b.stored) for b in report.batches] == [(40, 40)]


def test_size_must_be_stable_between_two_looks_and_temporary_names_are_never_read(con, orderhub_home):
    folder = orderhub_home.landing_for("taobao")
    for name in ("orders.csv.part", "orders.csv.tmp", "~$orders.xlsx", ".orders.csv", "orders.csv.crdownload"):
        (folder / name).write_bytes(_csv(_rows(2)))
    path = folder / "orders.csv"
    path.write_bytes(_csv(_rows(2)))
    old = time.time() - 60
    for p in folder.iterdir():
        os.utime(p, (old, old))
    ready, seen = ready_files(orderhub_home.landing, {}, 5)
    assert ready == [] and list(seen) == [str(path)]  # first look: not yet known to be stable
    assert ready_files(orderhub_home.landing, seen, 5)[0] == [path]
    with open(path, "ab") as fh:
        fh.write(b"\r\n")
    os.utime(path, (old, old + 1))
    assert ready_files(orderhub_home.landing, seen, 5)[0] == []  # it changed since the last look
    report = _land(con, orderhub_home, [folder / "orders.csv.part"])
    assert not report.batches and (folder / "orders.csv.part").exists()


def test_a_file_that_changes_while_it_is_read_is_left_for_later(con, orderhub_home, monkeypatch):
    path = orderhub_home.landing_for("taobao") / "orders.csv"
    path.write_bytes(_csv(_rows(10)))
    real = fileland.stage_file

    def appending(*args, **kw):
        staged = real(*args, **kw)
        with open(path, "ab") as fh:  # the writer adds rows while we read
            fh.write(b"x")
        return staged

    monkeypatch.setattr(fileland, "stage_file", appending)
    report = _land(con, orderhub_home, [path])
    assert path.exists() and not report.batches and "changed while it was read" in report.files_waiting[0]
    assert _stored(con) == 0


def test_a_file_that_grows_after_it_was_landed_has_its_new_rows_landed(con, orderhub_home):
    folder = orderhub_home.landing_for("taobao")
    path = folder / "ExportOrderList202611051200.csv"
    order_rows, item_rows = orders(20)
    path.write_bytes(csv_bytes(ORDER_HEADERS, order_rows[:12]))
    (folder / "ExportOrderDetailList202611051200.csv").write_bytes(csv_bytes(ITEM_HEADERS, item_rows))
    report = _land(con, orderhub_home, sorted(folder.iterdir()))
    assert report.batches[0].stored == 12
    archived = Path(next(p for p in report.files_archived if "ExportOrderList" in p))
    assert grown(orderhub_home.archive) == []
    # the writer had it open (on another host: invisible here) and appends the rest after the move
    with open(archived, "ab") as fh:
        fh.write(csv_bytes(ORDER_HEADERS, order_rows[12:]).split(b"\r\n", 1)[1])
    assert grown(orderhub_home.archive) == [archived]
    report = _land(con, orderhub_home, regrown=[archived])
    (batch,) = report.batches
    assert (batch.received, batch.stored, batch.deduplicated) == (20, 8, 12)
    assert grown(orderhub_home.archive) == []
    assert _stored(con) == 20


def _mapping_with_limits(tmp_path, monkeypatch, **limits) -> None:
    doc = yaml.safe_load((MAPPINGS_DIR / "taobao_export.yaml").read_text(encoding="utf-8"))
    doc["file"]["limits"] = limits
    own = tmp_path / "own_mappings"
    own.mkdir(exist_ok=True)
    (own / "taobao_export.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("ORDERHUB_MAPPINGS_DIR", str(own))


def test_a_line_of_millions_of_fields_is_refused_with_a_short_message(con, orderhub_home):
    folder = orderhub_home.landing_for("taobao")
    (folder / "fields.csv").write_bytes(b",".join([b"x"] * 3_000_000) + b"\r\n")  # a 6 MB header line
    (folder / "line.csv").write_bytes(_csv(_rows(3)) + b"1," * 2_000_000 + b"\r\n")  # 4 MB, 2M fields
    (folder / "cell.csv").write_bytes(_csv(_rows(3)) + b"," * 18 + b"9" * 4_000_000 + b"\r\n")  # one 4 MB cell
    report = _land(con, orderhub_home, sorted(folder.iterdir()))
    assert _file_reasons(con) == ["line_too_long", "line_too_long", "ragged_row"]
    longest = con.execute("select max(length(message)), max(length(record::varchar)) from hub.quarantine").fetchone()
    assert longest[0] <= 500 and longest[1] < 2000
    assert len(report.files_rejected) == 3 and _stored(con) == 0


def test_limits_on_size_rows_and_fields_reject_with_their_reason(con, orderhub_home, tmp_path, monkeypatch):
    _mapping_with_limits(tmp_path, monkeypatch, max_bytes=20_000, max_rows=50, max_fields=40)
    folder = orderhub_home.landing_for("taobao")
    (folder / "big.csv").write_bytes(_csv(_rows(200)))
    (folder / "rows.csv").write_bytes(_csv(_rows(60))[:20_000])
    (folder / "wide.csv").write_bytes((",".join(HEADER + [f"x{i}" for i in range(30)]) + "\r\n").encode("gbk"))
    _land(con, orderhub_home, sorted(folder.iterdir()))
    assert _file_reasons(con) == ["too_large", "too_many_fields", "too_many_rows"]


def _xlsx_bomb(path: Path, rows: int) -> Path:
    """A valid workbook whose sheet XML unzips to far more than the file's size."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(HEADER)
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    head, tail = members[sheet].decode().split("</sheetData>")
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in ["2612345678900001", "x"] * 8)
    members[sheet] = (head + "".join(f"<row>{cells}</row>" for _ in range(rows)) + "</sheetData>" + tail).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_an_xlsx_that_unzips_beyond_the_limit_is_refused_before_it_is_read(con, orderhub_home, tmp_path, monkeypatch):
    _mapping_with_limits(tmp_path, monkeypatch, max_sheet_bytes=2_000_000)
    bomb = _xlsx_bomb(orderhub_home.landing_for("taobao") / "orders.xlsx", 8_000)
    assert bomb.stat().st_size < 200_000
    report = _land(con, orderhub_home, [bomb])
    assert _file_reasons(con) == ["sheet_too_large"]
    assert not report.batches and "rejected" in report.files_rejected[0]


def test_paths_from_run_config_stay_in_the_landing_folder(con, orderhub_home, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "x.csv"
    secret.write_bytes(_csv(_rows(2)))
    link = orderhub_home.landing_for("taobao") / "link.csv"
    link.symlink_to(secret)
    escape = orderhub_home.landing / "taobao" / ".." / ".." / ".." / "outside" / "x.csv"
    assert escape.exists()
    report = _land(con, orderhub_home, [escape, link, outside])
    assert secret.exists() and link.is_symlink()  # nothing read, nothing moved
    assert len(report.errors) == 3 and all("refused" in e for e in report.errors)
    assert _stored(con) == 0


class FlakyApi:
    """Six one-hour windows; the fourth fails every time it is asked (4 attempts inside the connector)."""

    channel, shop_id = "taobao", "tb-flagship"

    def __init__(self, records_for):
        self.records_for, self.fail = records_for, True

    def iter_order_windows(self, start, end, calls: CallLog):
        t = start
        while t < end:
            e = min(t + timedelta(hours=1), end)
            if self.fail and t == T0 + timedelta(hours=3):
                raise RuntimeError("HTTP 503 after 4 attempts")
            yield t, e, self.records_for(t)
            t = e

    def fetch_orders(self, start, end, calls):
        return [r for _, _, rs in self.iter_order_windows(start, end, calls) for r in rs]


T0 = datetime(2026, 11, 11, tzinfo=UTC)


def test_a_failing_api_window_costs_only_itself(con):
    from ingest_kit import taobao_trade

    def records_for(t):
        stamp = (t + timedelta(hours=8, minutes=5)).strftime("%Y-%m-%d %H:%M:%S")
        return [taobao_trade(f"26{int(t.timestamp())}", "WAIT_SELLER_SEND_GOODS", stamp, created=stamp, pay_time=stamp)]

    api = FlakyApi(records_for)
    report = PullReport()
    kw = dict(mapping="taobao_api", start_default=T0, max_window=timedelta(hours=1), reread=timedelta(0))
    pull_api(con, api, until=T0 + timedelta(hours=6), report=report, **kw)
    assert _stored(con) == 3 and report.errors  # the three windows before the failure are kept
    assert get_cursor(con, "api:taobao:tb-flagship") == (T0 + timedelta(hours=3)).isoformat()
    api.fail = False
    pull_api(con, api, until=T0 + timedelta(hours=6), report=PullReport(), **kw)
    assert _stored(con) == 6
