"""Configuration snapshots: `orderhub snapshot create` archives everything that defines the flow,
`orderhub snapshot restore PATH` puts it back (the commands are in cli/snapshot.py).

An archive holds `files/<repo path>` (channel order and after-sales mappings, dbt_like_sql models and KPI
targets, quality thresholds and suites, the Dagster instance template) plus `config/flow.json`, a secret-free
description of resources, schedules, sensors and Config defaults (see pipelines/flowconfig.py; the caller passes it
in), and
`manifest.json` with the sha256 of every member. Restore refuses an archive whose members do not match the
manifest (tampered or truncated) and any path that would land outside the repository; it rewrites only the
files that differ and prints what changed. `flow.json` is derived from code, so restore compares it with the
live flow and reports the differences instead of writing it.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import tarfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from orderhub import settings

REPO = Path(__file__).resolve().parent.parent
# What defines the flow (globs relative to the repository root).
SCOPE = (
    "orderhub/mappings/**/*.yaml",
    "orderhub/mappings/README.md",
    "orderhub/privacy/personal_fields.yaml",
    "dbt_like_sql/**/*.sql",
    "dbt_like_sql/**/*.yml",
    "dbt_like_sql/**/*.md",
    "resources/quality_settings.py",
    "quality/suites/**/*.py",
    "cli/instance.py",
)
FORMAT = "orderhub-config-snapshot/1"


class SnapshotError(RuntimeError):
    """The archive cannot be trusted or cannot be restored here."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def scoped_files(root: Path) -> list[str]:
    found = {
        p.relative_to(root).as_posix()
        for pattern in SCOPE
        for p in root.glob(pattern)
        if p.is_file() and "__pycache__" not in p.parts
    }
    return sorted(found)


def _git_commit(root: Path) -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


def _add(tar: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(mtime), 0o644
    tar.addfile(info, io.BytesIO(data))


def create(flow: dict, out_dir: Path | None = None, root: Path = REPO) -> Path:
    """Write the archive; returns its path. `flow` is the secret-free description of the Dagster flow."""
    now = datetime.now(UTC)
    out_dir = out_dir or settings.paths().home / "snapshots"
    out_dir.mkdir(parents=True, exist_ok=True)
    members: dict[str, bytes] = {f"files/{rel}": (root / rel).read_bytes() for rel in scoped_files(root)}
    members["config/flow.json"] = json.dumps(flow, indent=2, sort_keys=True, ensure_ascii=False).encode()
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "git_commit": _git_commit(root),
        "files": {name: _sha256(data) for name, data in sorted(members.items())},
    }
    target = out_dir / f"orderhub-config-{now:%Y%m%dT%H%M%S%fZ}.tar.gz"
    partial = target.with_suffix(".partial")
    with tarfile.open(partial, "w:gz") as tar:
        _add(tar, "manifest.json", json.dumps(manifest, indent=2, sort_keys=True).encode(), now.timestamp())
        for name, data in sorted(members.items()):
            _add(tar, name, data, now.timestamp())
    partial.replace(target)  # a crash mid-write never leaves a half archive under the final name
    return target


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or "\\" in name:
        raise SnapshotError(f"refusing member path {name!r}: outside the snapshot")
    return path.as_posix()


def read_verified(archive: Path) -> tuple[dict, dict[str, bytes]]:
    """Manifest and members, after checking every member against the manifest (and nothing extra)."""
    members: dict[str, bytes] = {}
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for info in tar.getmembers():
                if not info.isfile():
                    raise SnapshotError(f"refusing {info.name!r}: only regular files belong in a snapshot")
                data = tar.extractfile(info).read()
                members[_safe_name(info.name)] = data
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise SnapshotError(f"{archive}: not a readable snapshot archive ({exc})") from exc
    if "manifest.json" not in members:
        raise SnapshotError(f"{archive}: no manifest.json")
    manifest = json.loads(members.pop("manifest.json"))
    if manifest.get("format") != FORMAT:
        raise SnapshotError(f"{archive}: unknown format {manifest.get('format')!r}")
    expected = manifest.get("files", {})
    if set(expected) != set(members):
        raise SnapshotError(
            f"{archive}: members differ from the manifest: missing "
            f"{sorted(set(expected) - set(members))}, unexpected {sorted(set(members) - set(expected))}"
        )
    bad = sorted(n for n, data in members.items() if _sha256(data) != expected[n])
    if bad:
        raise SnapshotError(f"{archive}: content does not match the manifest hashes (tampered?): {bad}")
    return manifest, members


@dataclass
class RestoreReport:
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # in scope now, not in the snapshot
    pruned: list[str] = field(default_factory=list)
    flow_diff: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"{len(self.changed)} changed, {len(self.added)} re-created, {len(self.unchanged)} unchanged, "
            f"{len(self.extra)} not in snapshot ({len(self.pruned)} removed)"
        ]
        out += [f"  M {p}" for p in self.changed] + [f"  A {p}" for p in self.added]
        out += [f"  D {p}" for p in self.pruned] + [
            f"  ? {p} (kept; --prune removes)" for p in self.extra if p not in self.pruned
        ]
        if self.flow_diff:
            out += [
                "live flow differs from the snapshot (code-defined, not restored):",
                *[f"  ~ {d}" for d in self.flow_diff],
            ]
        return out


def _flatten(value, prefix: str = "") -> dict[str, str]:
    if isinstance(value, dict):
        return {
            k: v for key, sub in value.items() for k, v in _flatten(sub, f"{prefix}.{key}" if prefix else key).items()
        }
    if isinstance(value, list) and all(isinstance(v, dict) and "name" in v for v in value):
        return {k: v for sub in value for k, v in _flatten(sub, f"{prefix}[{sub['name']}]").items()}
    return {prefix: json.dumps(value, sort_keys=True)}


def flow_differences(old: dict, new: dict) -> list[str]:
    a, b = _flatten(old), _flatten(new)
    return [
        f"{k}: {a.get(k, '(absent)')} -> {b.get(k, '(absent)')}"
        for k in sorted(set(a) | set(b))
        if a.get(k) != b.get(k)
    ]


def restore(
    archive: Path, root: Path = REPO, *, dry_run: bool = False, prune: bool = False, live_flow: dict | None = None
) -> RestoreReport:
    _, members = read_verified(archive)
    root = root.resolve()
    report = RestoreReport()
    wanted: dict[Path, bytes] = {}
    for name, data in members.items():
        if not name.startswith("files/"):
            continue
        target = (root / name.removeprefix("files/")).resolve()
        if not target.is_relative_to(root):
            raise SnapshotError(f"refusing {name!r}: resolves outside {root}")
        wanted[target] = data
    for target, data in sorted(wanted.items()):
        rel = target.relative_to(root).as_posix()
        if not target.exists():
            report.added.append(rel)
        elif target.read_bytes() != data:
            report.changed.append(rel)
        else:
            report.unchanged.append(rel)
    snap = {t.relative_to(root).as_posix() for t in wanted}
    report.extra = [p for p in scoped_files(root) if p not in snap]
    if live_flow is not None and "config/flow.json" in members:
        report.flow_diff = flow_differences(json.loads(members["config/flow.json"]), live_flow)
    if dry_run:
        return report
    for target, data in wanted.items():
        if target.relative_to(root).as_posix() in report.changed + report.added:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.restore")
            tmp.write_bytes(data)
            tmp.replace(target)
    if prune:
        for rel in report.extra:
            (root / rel).unlink()
            report.pruned.append(rel)
    return report
