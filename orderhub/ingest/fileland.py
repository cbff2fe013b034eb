"""Landing dropped report files with the mapping that serves their folder: no code per channel.

`landing/<folder>/` is served by every mapping whose `file.folder` is that folder (default: its channel). A
file goes to the mapping whose name pattern claims it and whose required headers it has (the most specific
one when several do); a report pair (`lines_from`) waits for its partner (same `*` part of the name). Each unit
(a file, or an order report with its item report) is read whole, landed in one transaction and archived to
`archive/<folder>/`, or rejected whole to `archive/rejected/<folder>/` with one hub.quarantine row saying why.
"""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orderhub.ingest.filecells import ExportReadError, Staged, drop_staged, header_names
from orderhub.ingest.filerecords import build_records
from orderhub.ingest.filestage import file_format, stage_file
from orderhub.ingest.folder import Look, confined, is_temporary, open_for_writing, write_sidecar
from orderhub.ingest.landing import LandResult, land_sql, quarantine_file
from orderhub.stages import stage
from orderhub.standardize.loader import all_mappings
from orderhub.standardize.mapping import Mapping

PAIR_WAIT_SECONDS = 1800  # an order report waits this long for its item report before it is rejected


@dataclass
class Unit:
    mapping: Mapping
    main: Path
    items: Path | None = None


class NotReady(Exception):
    """Leave the file where it is and look again at the next tick (being written, waiting for its partner)."""


def folder_mappings(folder: str) -> list[Mapping]:
    return [m for m in all_mappings().values() if m.file is not None and m.file.folder == folder]


def _star(pattern: str, name: str) -> tuple[str, ...] | None:
    rx = "".join("(.*)" if ch == "*" else "(.)" if ch == "?" else re.escape(ch) for ch in pattern)
    hit = re.fullmatch(rx, name, re.DOTALL)
    return hit.groups() if hit else None


def peek_header(path: Path, m: Mapping, workdir: Path) -> list[str]:
    from orderhub.ingest import filetext, xlsxread

    spec = m.file
    with open(path, "rb") as fh:
        fmt = file_format(path, fh.read(8))
    if fmt == "xlsx":
        for number, row in enumerate(xlsxread.rows(path, spec), start=1):
            if (spec.header_row is None and any(c.strip() for c in row)) or spec.header_row == number:
                while row and not row[-1].strip():
                    row.pop()
                return header_names(row, spec, str(path))
        return []
    encoding = filetext.detect_encoding(path, spec.encoding)
    text = filetext.utf8_copy(path, encoding, workdir) if encoding not in ("utf-8", "utf-8-sig") else path
    try:
        _, raw, _ = filetext.header_line(text, spec)
    finally:
        if text != path:
            text.unlink(missing_ok=True)
    while raw and not raw[-1].strip():
        raw.pop()
    return header_names(raw, spec, str(path))


def choose(path: Path, workdir: Path) -> tuple[Mapping, str]:
    """(mapping, role: 'main' | 'items') for a dropped file, or ExportReadError saying why none fits."""
    folder, name = path.parent.name, path.name
    candidates = [(m, "items" if m.file.claims_items(name) else "main") for m in folder_mappings(folder)]
    candidates = [(m, r) for m, r in candidates if r == "items" or m.file.claims(name)]
    if not candidates:
        served = [m.name for m in folder_mappings(folder)]
        why = f"no file mapping serves landing/{folder}/" if not served else f"no mapping of {served} claims {name!r}"
        raise ExportReadError("no_mapping", why, str(path))
    if len(candidates) == 1:
        return candidates[0]
    scored, missing = [], {}
    for m, role in candidates:
        header = set(peek_header(path, m, workdir))
        wanted = m.file.line_headers if role == "items" else m.file.order_headers
        absent = [h for h in wanted if h not in header]
        if absent:
            missing[m.name] = absent
            continue
        literal = len(m.file.lines_from.match if role == "items" else m.file.match) - m.file.match.count("*")
        scored.append(((len(wanted), literal), m, role))
    if not scored:
        closest = min(missing.items(), key=lambda kv: len(kv[1]))
        message = f"not a report of any mapping of landing/{folder}/: {closest[0]} misses {', '.join(closest[1])}"
        raise ExportReadError("missing_headers", message, str(path))
    scored.sort(key=lambda s: s[0], reverse=True)
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        raise ExportReadError(
            "ambiguous_mapping", f"{scored[0][1].name} and {scored[1][1].name} both read this file", str(path)
        )
    return scored[0][1], scored[0][2]


def plan(paths: list[Path], workdir: Path, now: float | None = None) -> tuple[list[Unit], list[tuple[Path, Exception]]]:
    """Units to land, and (file, why not) for the rest: ExportReadError rejects it, NotReady leaves it."""
    now = time.time() if now is None else now
    units, problems, pairs = [], [], {}
    for path in paths:
        try:
            m, role = choose(path, workdir)
        except ExportReadError as exc:
            problems.append((path, exc))
            continue
        if m.file.lines_from is None:
            units.append(Unit(m, path))
            continue
        pattern = m.file.lines_from.match if role == "items" else m.file.match
        pairs.setdefault((m.name, _star(pattern, path.name)), {})[role] = (m, path)
    for (_, key), roles in pairs.items():
        if "main" in roles and "items" in roles:
            units.append(Unit(roles["main"][0], roles["main"][1], roles["items"][1]))
            continue
        role, (m, path) = next(iter(roles.items()))
        want = m.file.lines_from.match if role == "main" else m.file.match
        partner = [p for p in path.parent.iterdir() if _star(want, p.name) == key and not is_temporary(p.name)]
        if partner or now - path.stat().st_mtime < PAIR_WAIT_SECONDS:
            problems.append(
                (
                    path,
                    NotReady(f"{path.name}: waiting for its {'item' if role == 'main' else 'order'} report ({want})"),
                )
            )
        else:
            problems.append(
                (
                    path,
                    ExportReadError(
                        "missing_pair", f"no {want} arrived within {PAIR_WAIT_SECONDS // 60} minutes", str(path)
                    ),
                )
            )
    return units, problems


def land_unit(
    con: duckdb.DuckDBPyConnection, unit: Unit, workdir: Path, run_id: str | None
) -> tuple[LandResult, dict[Path, Look]]:
    """Read the unit whole and land it; NotReady when a file is still written or changed while it was read."""
    files = [p for p in (unit.main, unit.items) if p is not None]
    looks = {}
    for p in files:
        writers = open_for_writing(p)
        if writers:
            raise NotReady(f"{p.name}: still open for writing by process {', '.join(map(str, writers))}")
        looks[p] = Look.of(p)
    with stage("read"):
        main = stage_file(con, unit.main, unit.mapping.file, "_file_main", workdir)
        items: Staged | None = None
        if unit.items is not None:
            items = stage_file(con, unit.items, unit.mapping.file, "_file_items_raw", workdir)
    for p in files:
        if Look.of(p) != looks[p]:
            raise NotReady(f"{p.name}: changed while it was read (still being written)")
    with stage("records"):
        recs = build_records(con, unit.mapping, main, items)
        drop_staged(con, main)  # the records hold every cell now: free the staged rows before the landing runs
        drop_staged(con, items)
    result = land_sql(
        con,
        f"select seq, record_text, n_rows from {recs.records}",
        source="file",
        channel=unit.mapping.channel,
        shop_id=None,
        mapping=unit.mapping.name,
        run_id=run_id,
        rejects=f"select seq, reason, message from {recs.rejects}",
        rows_column="n_rows",
    )
    con.execute(f"drop table if exists {recs.records}; drop table if exists {recs.rejects}")
    return result, looks


def _archive(unit: Unit, looks: dict[Path, Look], folder: Path, **facts) -> list[Path]:
    """Move the unit's files to `folder` (archive/<folder>/ or archive/rejected/<folder>/) with their sidecars."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    files = {"main": unit.main, "items": unit.items}
    moved = {role: move(p, folder, stamp) for role, p in files.items() if p is not None}
    for role, target in moved.items():
        partner = moved.get("items" if role == "main" else "main")
        look = looks.get(files[role]) or Look.of(target)
        original = facts.pop("original", None) if role == "main" else None
        write_sidecar(
            target,
            look,
            original=original or str(files[role]),
            mapping=unit.mapping.name,
            role=role,
            partner=str(partner) if partner else None,
            **facts,
        )
    return list(moved.values())


def move(path: Path, folder: Path, stamp: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if folder.resolve() == path.parent.resolve():
        return path  # an archived file landed again stays where it is
    target = folder / f"{stamp}-{path.name}"
    shutil.move(str(path), target)
    return target


def reject(con: duckdb.DuckDBPyConnection, path: Path, exc: ExportReadError, archive: Path, channel: str) -> Path:
    """One hub.quarantine row for the file, and the file moved to archive/rejected/<folder>/ (nothing landed)."""
    quarantine_file(con, channel=channel, path=str(path), reason=exc.reason, message=exc.message)
    look = Look.of(path)
    folder = archive / "rejected" / path.parent.name
    target = move(path, folder, datetime.now(UTC).strftime("%Y%m%dT%H%M%S"))
    write_sidecar(target, look, original=str(path), mapping=None, role=None, status="rejected", reason=exc.reason)
    return target


def land_dropped(
    con: duckdb.DuckDBPyConnection,
    paths: list[Path],
    *,
    landing: Path,
    archive: Path,
    workdir: Path,
    report,
    run_id: str | None = None,
    regrown: list[Path] = (),
) -> None:
    """Land dropped files (confined to landing/<folder>/) and archived ones that grew after their landing."""
    ready = []
    for p in paths:
        path = confined(p, landing)
        if path is None:
            report.errors.append(f"{p}: refused: not a file inside {landing}/<folder>/ (nothing read or moved)")
        elif is_temporary(path.name):
            report.files_waiting.append(f"{path.name}: a temporary name, never read")
        else:
            ready.append(path)
    units, problems = plan(ready, workdir)
    for path, why in problems:
        if isinstance(why, NotReady):
            report.files_waiting.append(str(why))
        else:
            report.files_rejected.append(str(reject(con, path, why, archive, _channel(path))))
            report.errors.append(f"{path.name}: {why.reason}: {why.message}")
    for unit in units:
        _land_one(con, unit, archive / unit.main.parent.name, workdir, report, run_id)
    for p in regrown:
        _reland(con, p, archive, workdir, report, run_id)


def _channel(path: Path) -> str:
    served = folder_mappings(path.parent.name)
    return served[0].channel if served else path.parent.name


def _land_one(con, unit: Unit, folder: Path, workdir: Path, report, run_id: str | None) -> bool:
    try:
        result, looks = land_unit(con, unit, workdir, run_id)
    except NotReady as why:
        report.files_waiting.append(str(why))
        return False
    except ExportReadError as exc:
        quarantine_file(
            con, channel=unit.mapping.channel, path=str(exc.path or unit.main), reason=exc.reason, message=exc.message
        )
        rejected = folder.parent / "rejected" / folder.name if folder.parent.name != "rejected" else folder
        report.files_rejected += [str(p) for p in _archive(unit, {}, rejected, status="rejected", reason=exc.reason)]
        report.errors.append(f"{Path(exc.path or unit.main).name}: {exc.reason}: {exc.message}")
        return False
    report.batches.append(result)
    with stage("archive"):
        kept = _archive(unit, looks, folder, status="landed", reason=None, batch_id=result.batch_id, rows=result.rows)
    report.files_archived += [str(p) for p in kept]
    return True


def _reland(con, archived: Path, archive: Path, workdir: Path, report, run_id: str | None) -> None:
    """An archived file that grew after it was read: read it again (its old rows deduplicate, new ones land)."""
    from orderhub.ingest.folder import read_sidecar

    path = Path(archived).resolve()
    facts = read_sidecar(path) if path.is_relative_to(archive.resolve()) and path.is_file() else None
    if facts is None:
        report.errors.append(f"{archived}: refused: not an archived file with a .landed record")
        return
    if facts.get("role") == "items":
        return  # landed with its order report
    try:
        m, _ = (
            choose(path, workdir) if facts.get("status") == "rejected" else (all_mappings()[facts["mapping"]], "main")
        )
    except (ExportReadError, KeyError) as exc:
        report.errors.append(f"{path.name}: grew after it was read, and still cannot be landed: {exc}")
        return
    partner = Path(facts["partner"]) if facts.get("partner") else None
    report.files_regrown.append(str(path))
    _land_one(con, Unit(m, path, partner), archive / path.parent.name, workdir, report, run_id)
