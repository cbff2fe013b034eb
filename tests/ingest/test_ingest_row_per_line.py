"""Row-per-line reports: rows sharing an order id are one order (group_by), in a file and across files; without
group_by they are quarantined with the reason, never taken as versions that silently drop lines. The real UCI
invoice lines, written with dates mixing MM-DD-YY and MM-DD-YYYY, land line for line."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml

from orderhub.ingest.fileland import land_dropped
from orderhub.ingest.pull import PullReport
from orderhub.standardize.hub import build_hub

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("ORDERHUB_SHARED_DATA", REPO.parent / "shared" / "data"))
UCI = SHARED / "uci_online_retail" / "online_retail_2010-12_2011-12.parquet"

MAPPING = {
    "name": "retail_lines",
    "channel": "retail",
    "source": "file",
    "default_shop_id": "uk-shop",
    "zone": "Europe/London",
    "currency": "GBP",
    "first_day": "2010-01-01",
    "time": {"format": ["%m-%d-%Y %H:%M", "%m-%d-%y %H:%M"]},
    "file": {"group_by": "InvoiceNo"},
    "order": {
        "channel_order_id": "InvoiceNo",
        "created_at": {"path": "InvoiceDate", "agg": "min"},
        "source_updated_at": {"path": "InvoiceDate", "agg": "max"},
        "total_fen": {"path": "LineTotal", "agg": "sum"},
        "paid_fen": {"path": "LineTotal", "agg": "sum"},
        "buyer_id": "CustomerID",
    },
    "status": {"path": "Status", "map": {"Complete": "completed"}},
    "lines": {
        "channel_sku": "StockCode",
        "quantity": "Quantity",
        "unit_price_fen": "UnitPrice",
        "paid_fen": "LineTotal",
    },
}


def _setup(tmp_path, monkeypatch, home, **changes) -> Path:
    own = tmp_path / "own"
    own.mkdir(exist_ok=True)
    doc = {**MAPPING, **changes}
    (own / "retail_lines.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("ORDERHUB_MAPPINGS_DIR", str(own))
    folder = home.landing / "retail"
    folder.mkdir(exist_ok=True)
    return folder


def _land(con, home, paths) -> PullReport:
    report = PullReport()
    land_dropped(con, list(paths), landing=home.landing, archive=home.archive, workdir=home.home / "tmp", report=report)
    return report


HEADER = "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,LineTotal,CustomerID,Status\n"


def test_rows_of_one_order_are_its_lines_in_a_file_and_across_files(con, orderhub_home, tmp_path, monkeypatch):
    folder = _setup(tmp_path, monkeypatch, orderhub_home)
    first = HEADER + (
        "536365,85123A,6,12-01-2010 08:26,2.55,15.30,17850,Complete\n"
        "536365,71053,6,12-01-10 08:26,3.39,20.34,17850,Complete\n"
        "536366,22633,6,12-01-2010 08:28,1.85,11.10,17850,Complete\n"
    )
    (folder / "day1.csv").write_text(first, encoding="utf-8")
    (batch,) = _land(con, orderhub_home, [folder / "day1.csv"]).batches
    assert (batch.received, batch.stored, batch.lines_stored) == (2, 2, 3)
    # a later file repeats 536365 with a line added: a new version of that order; 536366 unchanged: deduplicated
    (folder / "day2.csv").write_text(first + "536365,84406B,8,12-01-2010 08:26,2.75,22.00,17850,Complete\n")
    (batch,) = _land(con, orderhub_home, [folder / "day2.csv"]).batches
    assert (batch.received, batch.stored, batch.deduplicated) == (2, 1, 1)
    build_hub(con, date(2010, 11, 1), date(2010, 12, 31), "salt")
    lines = con.execute(
        "select channel_sku, quantity, paid_fen from hub.order_lines where order_id = 'retail:536365' order by line_no"
    ).fetchall()
    assert lines == [("85123A", 6, 1530), ("71053", 6, 2034), ("84406B", 8, 2200)]
    assert con.execute("select total_fen, currency from hub.orders where order_id = 'retail:536365'").fetchone() == (
        5764,
        "GBP",
    )


def test_without_group_by_shared_order_ids_are_quarantined_not_versions(con, orderhub_home, tmp_path, monkeypatch):
    flat = {
        "order": {**MAPPING["order"], "total_fen": "LineTotal", "paid_fen": "LineTotal", "created_at": "InvoiceDate"},
        "lines": {"delimiter": ";", "channel_sku": "StockCode", "quantity": "Quantity"},
        "file": {},
    }
    flat["order"]["source_updated_at"] = "InvoiceDate"
    folder = _setup(tmp_path, monkeypatch, orderhub_home, **flat)
    (folder / "lines.csv").write_text(
        HEADER
        + "536365,85123A,6,12-01-2010 08:26,2.55,15.30,17850,Complete\n"
        + "536365,71053,6,12-01-2010 08:26,3.39,20.34,17850,Complete\n"
        + "536366,22633,6,12-01-2010 08:28,1.85,11.10,17850,Complete\n"
    )
    (batch,) = _land(con, orderhub_home, [folder / "lines.csv"]).batches
    assert (batch.received, batch.stored, batch.quarantined) == (3, 1, 2)
    assert batch.reasons == {"duplicate_order_in_file": 2}
    message = con.execute("select message from hub.quarantine limit 1").fetchone()[0]
    assert "group_by" in message and "536365" in message


@pytest.mark.skipif(not UCI.exists(), reason=f"UCI Online Retail not found at {UCI} (set ORDERHUB_SHARED_DATA)")
def test_real_invoice_lines_with_mixed_two_and_four_digit_years(con, orderhub_home, tmp_path, monkeypatch):
    folder = _setup(tmp_path, monkeypatch, orderhub_home)
    drop = folder / "invoices.csv"
    src = duckdb.connect()
    # 20k real lines; every other line's date written MM-DD-YY as the public report does
    src.execute(f"""create table t as select * from read_parquet('{UCI}') where InvoiceDate < '2011-01-10'""")
    src.execute(f"""copy (select InvoiceNo, StockCode, Quantity,
            case when row_number() over () % 2 = 0 then strftime(InvoiceDate, '%m-%d-%y %H:%M')
                 else strftime(InvoiceDate, '%m-%d-%Y %H:%M') end as InvoiceDate,
            printf('%.2f', UnitPrice) as UnitPrice, printf('%.2f', round(Quantity * UnitPrice, 2)) as LineTotal,
            coalesce(cast(CustomerID as bigint)::varchar, '') as CustomerID, 'Complete' as Status
        from t) to '{drop}' (header)""")
    invoices, rows = src.execute("select count(distinct InvoiceNo), count(*) from t").fetchone()
    src.close()
    (batch,) = _land(con, orderhub_home, [drop]).batches
    assert batch.received == invoices and batch.rows["received"] == rows
    assert batch.stored + batch.quarantined == invoices
    # cancellations (C...) carry negative quantities and amounts: quarantined with that reason, not dropped
    assert set(batch.reasons) <= {"bad_quantity", "negative_amount", "paid_exceeds_total"}
    assert batch.rows["stored"] + batch.rows["quarantined"] == rows
    years = con.execute("select min(year(created_at)), max(year(created_at)) from raw.channel_order_facts").fetchone()
    assert years == (2010, 2011)  # "12-01-10" is 2010, never the year 10


def test_grouping_in_passes_builds_the_records_of_one_pass(con, orderhub_home, tmp_path, monkeypatch):
    """A big report is grouped in passes (bounded memory): the records are exactly those of one pass, with ids
    that only match once cleaned (blanks, Excel's ="..." quoting) in the same order, and id-less rows alone."""
    from orderhub.ingest import filerecords
    from orderhub.ingest.filestage import stage_file
    from orderhub.standardize.loader import load_mapping

    folder = _setup(tmp_path, monkeypatch, orderhub_home)
    ids = ["536365", " 536365", '="536365"', "536366", "", "536367 ", "", "536368"]
    body = "".join(
        f"{ids[i % len(ids)]},SKU{i},1,12-01-2010 08:26,1.00,1.00,17850,Complete\n".replace(
            '="536365"', '"=""536365"""'
        )
        for i in range(61)
    )
    (folder / "lines.csv").write_text(HEADER + body, encoding="utf-8")
    m = load_mapping("retail_lines")
    staged = stage_file(con, folder / "lines.csv", m.file, "_t", tmp_path)

    def records() -> list[tuple]:
        filerecords.build_records(con, m, staged)
        return con.execute("select seq, record_text, n_rows from _file_records order by seq").fetchall()

    monkeypatch.setattr(filerecords, "GROUP_ROWS", 1_000)
    one = records()
    monkeypatch.setattr(filerecords, "GROUP_ROWS", 7)  # 9 passes
    assert records() == one
    blank = sum(1 for i in range(61) if not ids[i % len(ids)])
    assert len(one) == 4 + blank and sum(n for _, _, n in one) == 61  # 4 orders, and each row without an id
    first = one[0]  # 536365 under its three spellings, its rows in file order
    assert first[2] == sum(1 for i in range(61) if i % len(ids) < 3)
    assert first[1].index('"SKU0"') < first[1].index('"SKU1"') < first[1].index('"SKU2"') < first[1].index('"SKU8"')
