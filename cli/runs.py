"""Run a Dagster job from an `orderhub` command: in this process, recorded in the instance in DAGSTER_HOME (so
the UI shows it), one command at a time, with live progress (step, counts, elapsed time) and a verdict.

Why in-process: it needs no daemon, and its exit code is the run's outcome. One writer: two `orderhub`
commands take turns (a lock file in ORDERHUB_HOME, waited for with a message), and against runs the daemon
launches the warehouse itself waits its turn (orderhub/warehouse.py).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import resource
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from orderhub import settings

QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
HEARTBEAT_SECONDS = 30  # without a terminal, a line at least this often while a step runs
console = Console(highlight=False)
if not console.is_terminal:  # logs and CI: long lines rather than wrapping at 80 columns
    console = Console(highlight=False, width=160)


@dataclass
class Outcome:
    job: str
    run_id: str
    success: bool
    seconds: float
    cpu_seconds: float
    failures: list[tuple[str, str]] = field(default_factory=list)  # (step, message)
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)  # blocking (ERROR) checks that failed
    checks_warned: list[str] = field(default_factory=list)  # warnings that failed (they do not stop anything)
    materialized: int = 0
    held: bool = False
    metadata: dict[str, dict] = field(default_factory=dict)  # asset -> metadata of its last materialization


@contextlib.contextmanager
def one_command_at_a_time(what: str) -> Iterator[None]:
    """Commands that write take turns (whole runs, not only each step's file access)."""
    path = settings.paths().home / ".orderhub-command.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another orderhub command"
            with console.status(f"waiting for {holder} to finish before {what}…"):
                fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        fh.truncate()
        fh.write(f"'orderhub {what}' (PID {os.getpid()})")
        fh.flush()
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class _Watcher(threading.Thread):
    """Follows the run's events in the instance and moves the progress bar."""

    def __init__(self, instance, run_id: str, progress: Progress, task, title: str) -> None:
        super().__init__(daemon=True)
        self.instance, self.run_id, self.progress, self.task, self.title = instance, run_id, progress, task, title
        self.stop = threading.Event()
        self.cursor = None
        self.current, self.started_at, self.last_line = "", {}, time.monotonic()
        self.done = self.mats = self.ok = self.bad = 0

    def run(self) -> None:
        while not self.stop.wait(0.5):
            with contextlib.suppress(Exception):  # the display must never break the run
                self.poll()

    def poll(self) -> None:
        import dagster as dg

        kinds = {
            dg.DagsterEventType.STEP_START,
            dg.DagsterEventType.STEP_SUCCESS,
            dg.DagsterEventType.STEP_FAILURE,
            dg.DagsterEventType.STEP_SKIPPED,
            dg.DagsterEventType.ASSET_MATERIALIZATION,
            dg.DagsterEventType.ASSET_CHECK_EVALUATION,
        }
        conn = self.instance.get_records_for_run(self.run_id, cursor=self.cursor, of_type=kinds, limit=5000)
        self.cursor = conn.cursor
        for rec in conn.records:
            event = rec.event_log_entry.dagster_event
            kind, step = event.event_type, event.step_key
            if kind == dg.DagsterEventType.STEP_START:
                self.current, self.started_at[step] = step, time.monotonic()
            elif kind in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
                self.done += 1
                took = time.monotonic() - self.started_at.get(step, time.monotonic())
                mark = "[green]✓[/]" if kind == dg.DagsterEventType.STEP_SUCCESS else "[red]✗[/]"
                self.progress.console.print(f"  {mark} {step}  {took:.1f}s")
                self.last_line = time.monotonic()
            elif kind == dg.DagsterEventType.STEP_SKIPPED:
                self.done += 1
                self.progress.console.print(f"  [yellow]–[/] {step}  skipped (upstream did not build)")
            elif kind == dg.DagsterEventType.ASSET_MATERIALIZATION:
                self.mats += 1
            else:
                if event.event_specific_data.passed:
                    self.ok += 1
                else:
                    self.bad += 1
        step_note = f" · {self.current}" if self.current else ""
        self.progress.update(
            self.task,
            completed=self.done,
            description=f"{self.title}{step_note} · {self.mats} materialized · checks {self.ok} ok, {self.bad} failed",
        )
        if not console.is_terminal and self.current and time.monotonic() - self.last_line > HEARTBEAT_SECONDS:
            since = time.monotonic() - self.started_at.get(self.current, time.monotonic())
            self.progress.console.print(f"  … still in {self.current} ({since:.0f}s)")
            self.last_line = time.monotonic()


def _outcome(job_name: str, result, seconds: float, cpu: float) -> Outcome:
    out = Outcome(job_name, result.run_id, result.success, seconds, cpu)
    for e in result.all_events:
        if e.is_step_failure:
            err = e.event_specific_data.error
            message = err.message.strip() if err else ""
            while err is not None and err.cause is not None and "Held back" not in message:
                err = err.cause
                message = err.message.strip()
            out.held = out.held or "Held back by the quality gate" in message
            out.failures.append((e.step_key, message))
        elif e.event_type_value == "ASSET_CHECK_EVALUATION":
            data = e.event_specific_data
            if data.passed:
                out.checks_passed += 1
            else:
                part = f"@{data.partition}" if data.partition else ""
                name = f"{'.'.join(data.asset_key.path)}:{data.check_name}{part}"
                blocking = getattr(data.severity, "value", data.severity) == "ERROR"
                (out.checks_failed if blocking else out.checks_warned).append(name)
        elif e.event_type_value == "ASSET_MATERIALIZATION":
            out.materialized += 1
            mat = e.event_specific_data.materialization
            out.metadata[".".join(mat.asset_key.path)] = {k: getattr(v, "value", v) for k, v in mat.metadata.items()}
    return out


def run_job(
    job_name: str,
    *,
    title: str | None = None,
    tags: dict | None = None,
    run_config: dict | None = None,
    defs=None,
) -> Outcome:
    """Execute `job_name` of the OrderHub definitions in process against DAGSTER_HOME's instance."""
    import dagster as dg

    from pipelines.definitions import build

    warnings.filterwarnings("ignore", category=dg.BetaWarning)
    warnings.filterwarnings("ignore", category=dg.PreviewWarning)
    defs = defs or build()
    job = defs.resolve_job_def(job_name)
    instance = dg.DagsterInstance.get()
    run_id = str(uuid.uuid4())  # known before the run starts, so the watcher can follow it
    title = title or job_name
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(title, total=len(job.graph.node_dict))
        watcher = _Watcher(instance, run_id, progress, task, title)
        watcher.start()
        wall, cpu = time.perf_counter(), _cpu()
        try:
            result = job.execute_in_process(
                instance=instance,
                run_id=run_id,
                run_config={**QUIET_LOGS, **(run_config or {})},
                tags=tags or {},
                raise_on_error=False,
            )
        finally:
            watcher.stop.set()
            watcher.join(timeout=5)
        with contextlib.suppress(Exception):
            watcher.poll()  # the last steps' lines
    return _outcome(job_name, result, time.perf_counter() - wall, _cpu() - cpu)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def report(outcome: Outcome, *, what: str) -> None:
    """One verdict line, then what failed and where to look."""
    timing = f"{outcome.seconds:.1f}s wall, {outcome.cpu_seconds:.1f} CPU s"
    checks = (
        f"checks {outcome.checks_passed} passed, {len(outcome.checks_failed)} blocking failed, "
        f"{len(outcome.checks_warned)} warnings"
    )
    run = f"run {outcome.run_id[:8]}"
    if outcome.success:
        console.print(f"[green]✓[/] {what}: {outcome.materialized} materialized, {checks} ({timing}; {run})")
        return
    verdict = "held back by the quality gate" if outcome.held else "FAILED"
    console.print(f"[red]✗[/] {what} {verdict} ({checks}; {timing}; {run} in the Dagster UI)", style="bold")
    for name in sorted(set(outcome.checks_failed))[:10]:
        console.print(f"    failed check {name}")
    for step, message in outcome.failures[:5]:
        console.print(f"    step {step}: {message[:600]}")


def exit_code(outcome: Outcome) -> int:
    """0 success, 3 held back by the quality gate, 1 any other failure."""
    return 0 if outcome.success else (3 if outcome.held else 1)


def fail(message: str) -> None:
    console.print(f"[red]{message}[/]")
    sys.exit(1)
