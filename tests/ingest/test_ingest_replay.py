"""Replaying quarantined records with a fixed mapping: stored once, counted as a move, never twice."""

from __future__ import annotations

import pytest
from ingest_kit import rebuild
from test_ingest_mapping_format import BASE, landed, mapping, order

from orderhub.ingest.replay import quarantine_summary, replay
from orderhub.standardize.moves import ledger

pytestmark = pytest.mark.both_backends  # warehouse-facing: the DuckDB file and the lake (tests/conftest.py)


def _open(con) -> list[tuple]:
    return con.execute(
        "select record->>'$.id', reason from hub.quarantine where resolved_at is null order by 1"
    ).fetchall()


def test_a_status_added_to_the_mapping_lands_the_quarantined_rows_on_replay(con, tmp_path, monkeypatch):
    name = mapping(tmp_path, monkeypatch)
    records = [order("R1"), {**order("R2"), "state": "shipped out"}, {**order("R3"), "state": "shipped out"}]
    records.append({**order("R4", paid="-1.00"), "state": "shipped out"})
    res = landed(con, name, records)
    assert (res.stored, res.quarantined) == (1, 3)
    assert _open(con) == [("R2", "unknown_status"), ("R3", "unknown_status"), ("R4", "unknown_status")]
    assert replay(con).to_stored == 0  # nothing changed yet: nothing moves
    mapping(tmp_path, monkeypatch, status={"path": "state", "map": {**BASE["status"]["map"], "shipped out": "shipped"}})
    move = replay(con, mapping=name, reason="unknown_status")
    assert (move.attempted, move.to_stored, move.still_quarantined) == (3, 2, 1)
    assert move.reasons == {"negative_amount": 1}  # R4 now fails for its next problem
    assert _open(con) == [("R4", "negative_amount")]
    resolved = con.execute("select count(*) from hub.quarantine where resolved_by = ?", [move.move_id]).fetchone()[0]
    assert resolved == 3
    rebuild(con)
    assert [r[0] for r in con.execute("select order_id from hub.orders order by 1").fetchall()] == [
        "bazaar:R1",
        "bazaar:R2",
        "bazaar:R3",
    ]
    totals = ledger(con)
    assert totals["received"] == 4 and (totals["stored"], totals["quarantined"]) == (3, 1)
    assert (totals["stored"], totals["quarantined"]) == (totals["raw_stored"], totals["raw_quarantined"])
    again = replay(con)  # idempotent: R4 is still negative, the stored ones are not replayed again
    assert (again.attempted, again.to_stored) == (1, 0)
    assert ledger(con)["stored"] == 3
    summary = quarantine_summary(con)
    assert [(s[0], s[3], s[4], s[5]) for s in summary] == [("order", name, "negative_amount", 1)]
