"""The landing folder's edges: which dropped files may be read, and archived files that grew after landing.

A file is read only when it is complete:
- its name is not a download or editor in progress (`.part`, `.tmp`, `.crdownload`, `~$...`, hidden);
- no process holds it open for writing (Linux: /proc/<pid>/fd and fdinfo; a writer on another host over a
  network share is invisible here, which is why the two checks below exist too);
- its size and modification time did not change between two looks an interval apart (the sensor), and did not
  change between the start and the end of its read (the landing).
A landed file is archived with a `.landed` sidecar (its size and time when read): a file that grows after that
(a writer that kept it open) is found by `grown()` and landed again: its new rows land, the old ones
deduplicate. Paths given in run config must lie inside the landing (or, for regrown files, archive) folder.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

TEMPORARY_SUFFIXES = (".part", ".tmp", ".temp", ".crdownload", ".download", ".partial", ".filepart", ".swp", ".landed")
SIDECAR = ".landed"


def is_temporary(name: str) -> bool:
    lowered = name.lower()
    return name.startswith((".", "~$", "~")) or lowered.endswith(TEMPORARY_SUFFIXES)


def open_for_writing(path: Path) -> list[int]:
    """PIDs of processes holding `path` open for writing (empty where /proc cannot tell)."""
    try:
        target = os.stat(path)
    except OSError:
        return []
    pids = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            fds = list((proc / "fd").iterdir())
        except OSError:
            continue  # gone, or not ours to look at
        for fd in fds:
            try:
                st = os.stat(fd)
                if (st.st_dev, st.st_ino) != (target.st_dev, target.st_ino) or not stat.S_ISREG(st.st_mode):
                    continue
                flags = int((proc / "fdinfo" / fd.name).read_text().split("flags:")[1].split()[0], 8)
            except (OSError, IndexError, ValueError):
                continue
            if flags & os.O_ACCMODE in (os.O_WRONLY, os.O_RDWR):
                pids.append(int(proc.name))
                break
    return pids


@dataclass(frozen=True)
class Look:
    size: int
    mtime_ns: int
    inode: int

    @staticmethod
    def of(path: Path) -> Look:
        st = path.stat()
        return Look(st.st_size, st.st_mtime_ns, st.st_ino)


def confined(path: Path, root: Path) -> Path | None:
    """The resolved path when it is a file directly inside a folder of `root` (root/<folder>/<file>), else None:
    `landing/taobao/../../outside/x.csv` and symlinks out of the folder are refused."""
    try:
        resolved, base = Path(path).resolve(strict=True), root.resolve()
    except (OSError, RuntimeError):
        return None
    return resolved if resolved.parent.parent == base and resolved.is_file() else None


def write_sidecar(archived: Path, look: Look, **facts) -> None:
    record = {"size": look.size, "mtime_ns": look.mtime_ns, "landed_at": datetime.now(UTC).isoformat(), **facts}
    archived.with_name(archived.name + SIDECAR).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


def read_sidecar(archived: Path) -> dict | None:
    try:
        return json.loads(archived.with_name(archived.name + SIDECAR).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def grown(archive: Path, within: timedelta = timedelta(days=2)) -> list[Path]:
    """Archived (or rejected) files whose size or time changed after they were read, among those read within."""
    since = datetime.now(UTC) - within
    out = []
    for sidecar in sorted(archive.glob(f"**/*{SIDECAR}")):
        archived = sidecar.with_name(sidecar.name[: -len(SIDECAR)])
        facts = read_sidecar(archived)
        if not facts or not archived.is_file() or datetime.fromisoformat(facts["landed_at"]) < since:
            continue
        look = Look.of(archived)
        if (look.size, look.mtime_ns) != (facts["size"], facts["mtime_ns"]):
            out.append(archived)
    return out


def ready_files(
    landing: Path, previous: dict[str, list[int]], settle_seconds: float, now: float | None = None
) -> tuple[list[Path], dict[str, list[int]]]:
    """(files ready to read, what was seen now): a file is ready when its name is not temporary, its size and
    time are what the previous look saw and older than `settle_seconds`, and no process has it open for writing.
    Pass the returned looks as `previous` next time (the sensor keeps them in its cursor)."""
    import time

    now = time.time() if now is None else now
    ready, seen = [], {}
    for path in sorted(landing.glob("*/*")):
        if not path.is_file() or is_temporary(path.name):
            continue
        look = Look.of(path)
        seen[str(path)] = [look.size, look.mtime_ns]
        settled = previous.get(str(path)) == seen[str(path)] and now - look.mtime_ns / 1e9 >= settle_seconds
        if settled and not open_for_writing(path):
            ready.append(path)
    return ready, seen
