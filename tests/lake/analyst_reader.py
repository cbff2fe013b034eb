"""An analyst process reading the live lake while something else writes it (e.g. `make demo` on a lake):

    python tests/lake/analyst_reader.py --while-pid PID [--interval 1] [--out reads.json]

Every interval it opens the analysts' view (orderhub/analysts.py, as `orderhub sql` does) and reads a few live
tables; it counts reads, failed reads (with their errors) and latency until PID exits. Before the first writer
has created the lake there is nothing to read: those tries are counted apart, not as failures."""

from __future__ import annotations

import argparse
import json
import os
import time

QUERY = """select (select count(*) from raw.channel_orders), (select count(*) from hub.orders),
                  (select count(*) from ops.ingest_batches), (select max(ingested_at) from hub.orders)"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def main() -> None:
    from orderhub import analysts, lake

    ap = argparse.ArgumentParser()
    ap.add_argument("--while-pid", type=int, required=True)
    ap.add_argument("--interval", type=float, default=1.0)
    ap.add_argument("--out")
    args = ap.parse_args()
    reads, failures, before_lake, latencies, last = 0, [], 0, [], None
    while alive(args.while_pid):
        t = time.perf_counter()
        try:
            con = analysts.connect()
            try:
                last = con.execute(QUERY).fetchone()
            finally:
                con.close()
            reads += 1
            latencies.append(time.perf_counter() - t)
        except lake.LakeNotFound:
            before_lake += 1
        except Exception as exc:  # noqa: BLE001 - every failed read is the finding
            failures.append(f"{time.strftime('%H:%M:%S')} {type(exc).__name__}: {str(exc)[:300]}")
        time.sleep(args.interval)
    latencies.sort()
    report = {
        "reads": reads,
        "failed_reads": len(failures),
        "failures": failures[:20],
        "tries_before_the_lake_existed": before_lake,
        "latency_p50_s": round(latencies[len(latencies) // 2], 3) if latencies else None,
        "latency_max_s": round(latencies[-1], 3) if latencies else None,
        "last_read": [str(v) for v in last] if last else None,
    }
    print(json.dumps(report, indent=2))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
