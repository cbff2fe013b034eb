"""`dagster api grpc` (same arguments) that stops within seconds of SIGTERM, as `docker compose stop` expects.

Left alone, the server answers SIGTERM by waiting for every run it launched to finish, and then for every
call still being handled (a sensor or schedule evaluation the daemon asked for), however long they take
(measured: 31 s for one sensor evaluation; a run can take minutes), until compose's SIGKILL ends everything
without a word in the run's history. So this supervisor, on SIGTERM or SIGINT:
1. passes SIGTERM to the server (it stops taking calls);
2. interrupts the runs still executing (SIGINT to the server's run-worker processes): Dagster records each as
   failed ("interrupted"), its open warehouse transaction rolls back, and the operator re-runs it;
3. after GRACE_SECONDS, kills whatever is left, and exits.

    python deploy/code_server.py -h 0.0.0.0 -p 4000 -m pipelines.definitions
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

GRACE_SECONDS = 6.0  # within compose's stop_grace_period (10 s), with room for the interpreter to exit


def children(pid: int) -> list[int]:
    """Direct children of `pid` (Linux /proc; the run workers of the server)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def signal_all(pids: list[int], sig: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def main() -> int:
    server = subprocess.Popen([str(Path(sys.executable).with_name("dagster")), "api", "grpc", *sys.argv[1:]])
    stopping: list[float] = []

    def stop(signum, frame) -> None:
        if not stopping:
            stopping.append(time.monotonic())
            workers = children(server.pid)
            server.send_signal(signal.SIGTERM)
            signal_all(workers, signal.SIGINT)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        try:
            return server.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            if stopping and time.monotonic() - stopping[0] > GRACE_SECONDS:
                signal_all(children(server.pid), signal.SIGKILL)
                server.kill()
                server.wait()
                return 0


if __name__ == "__main__":
    sys.exit(main())
