"""A writing process for the lake tests (its own interpreter, like a second Dagster run or another machine).

    python lake_writer.py cycles START N CYCLES N Taobao trades per cycle, landed then the hub rebuilt (a 5-minute
                                                ingest cycle in miniature); prints "<cycle> <UTC time>" after each
    python lake_writer.py land START N CYCLES   landing only (raw.*)
    python lake_writer.py rebuild CYCLES        hub rebuilds only (hub.*)
    python lake_writer.py backfill FIRST LAST   rebuild the hub for Beijing days FIRST..LAST (ISO dates)

ORDERHUB_WAREHOUSE, ORDERHUB_HOME and ORDERHUB_PII_SALT come from the environment."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ingest"))
from ingest_kit import SALT, land_fixture, taobao_trade

from orderhub import warehouse
from orderhub.standardize.hub import build_hub

FIRST, LAST = date(2026, 11, 1), date(2026, 11, 10)


def rebuild(con) -> None:
    """The hub rebuilt for the days the trades fall on (as the ingest cycle rebuilds its window)."""
    build_hub(con, FIRST, LAST, SALT)


def trades(start: int, n: int) -> list[dict]:
    """n distinct paid trades, spread over 2026-11-01..10 (Beijing days) by id."""
    out = []
    for k in range(start, start + n):
        day = 1 + k % 10
        t = taobao_trade(str(4100000000000000 + k), "WAIT_SELLER_SEND_GOODS", f"2026-11-{day:02d} 12:00:00")
        t.update(created=f"2026-11-{day:02d} 10:00:00", pay_time=f"2026-11-{day:02d} 10:01:00")
        out.append(t)
    return out


def main(argv: list[str]) -> None:
    con = warehouse.connect()
    what = argv[0]
    if what in ("cycles", "land"):
        start, n = int(argv[1]), int(argv[2])
        for c in range(int(argv[3])):
            land_fixture(con, "taobao_api", trades(start + c * n, n))
            if what == "cycles":
                rebuild(con)
            print(c, datetime.now(UTC).isoformat(), flush=True)
    elif what == "rebuild":
        for c in range(int(argv[1])):
            rebuild(con)
            print(c, datetime.now(UTC).isoformat(), flush=True)
    elif what == "backfill":
        build_hub(con, date.fromisoformat(argv[1]), date.fromisoformat(argv[2]), SALT)
    con.close()


if __name__ == "__main__":
    main(sys.argv[1:])
