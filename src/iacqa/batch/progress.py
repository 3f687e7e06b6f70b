"""Batch progress: a rich progress bar on a terminal (done/total, rate, ETA, failures so far), and one plain line
per finished job otherwise (CI logs, pipes), with the same figures."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from iacqa.batch.aggregate import status_of
from iacqa.batch.scheduler import Event


class _Counts:
    def __init__(self, total: int) -> None:
        self.total, self.done, self.errors, self.blocked, self.retries, self.unchecked = total, 0, 0, 0, 0, 0
        self.t0 = time.monotonic()

    def add(self, data: dict[str, Any]) -> None:
        self.done += 1
        st = status_of(data)
        self.errors += st == "error"
        self.blocked += st == "not-deployable"
        self.unchecked += st == "unchecked"

    def rate(self) -> float:
        """Jobs per minute since the start."""
        minutes = (time.monotonic() - self.t0) / 60
        return self.done / minutes if minutes > 0 else 0.0

    def eta(self) -> str:
        r = self.rate()
        if not self.done or r <= 0:
            return "?"
        return _duration((self.total - self.done) / r * 60)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m" if h else (f"{m}m{s:02d}s" if m else f"{s}s")


class PlainProgress:
    """A line per finished job: `[12/230] tf-hcl/Pr3680 model: 32 findings, not-deployable (7 blockers) 2.3s |
    5.1/min, ETA 41m10s, 1 error`."""

    def __init__(self, total: int, stream: TextIO | None = None, skipped: int = 0) -> None:
        self.c = _Counts(total)
        self.stream = stream or sys.stderr
        if skipped:
            self.stream.write(f"iacqa: {skipped} job(s) already in the results file (resumed); {total} to run\n")

    def update(self, ev: Event) -> None:
        if ev.kind == "retry":
            self.c.retries += 1
            self.stream.write(f"[retry] {_short(ev.job[0])} {ev.job[1]}: {ev.reason}; retrying once\n")
        elif ev.kind == "done" and ev.data is not None:
            self.c.add(ev.data)
            d = ev.data
            st = status_of(d)
            if st == "error":
                what = f"error: {str(d.get('error'))[:160]}"
            else:
                nb = len((d.get("verdict") or {}).get("blockers") or [])
                what = f"{len(d.get('findings') or [])} findings, {st}" + (f" ({nb} blockers)" if nb else "")
            self.stream.write(f"[{self.c.done}/{self.c.total}] {_short(ev.job[0])} {ev.job[1]}: {what} "
                              f"{d.get('batch_seconds', 0):.1f}s | {self.c.rate():.1f}/min, ETA {self.c.eta()}, "
                              f"{self.c.errors} error{'s' if self.c.errors != 1 else ''}\n")
        self.stream.flush()

    def close(self) -> None:
        pass


class RichProgress:
    """rich's progress bar on stderr: done/total, jobs per minute, ETA, deployable / blocked / errors so far."""

    def __init__(self, total: int, stream: TextIO | None = None, skipped: int = 0) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.c = _Counts(total)
        self.console = Console(file=stream or sys.stderr)
        if skipped:
            self.console.print(f"[dim]{skipped} job(s) already in the results file (resumed); {total} to run[/dim]")
        self.progress = Progress(
            TextColumn("[bold]iacqa batch"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}/min  ETA {task.fields[eta]}"), TimeElapsedColumn(),
            TextColumn("[green]{task.fields[ok]} deployable[/]  [yellow]{task.fields[blocked]} blocked[/]  "
                       "[red]{task.fields[errors]} errors[/]  {task.fields[running]}"),
            console=self.console, transient=False, refresh_per_second=4)
        self.task = self.progress.add_task("batch", total=total, rate="0.0", eta="?", ok=0, blocked=0, errors=0,
                                           running="")
        self.running: dict[tuple[str, str], float] = {}
        self.progress.start()

    def update(self, ev: Event) -> None:
        if ev.kind == "started":
            self.running[ev.job] = time.monotonic()
        elif ev.kind == "retry":
            self.c.retries += 1
            self.console.print(f"[yellow]retry[/] {_short(ev.job[0])} {ev.job[1]}: {ev.reason}")
        elif ev.kind == "done" and ev.data is not None:
            self.running.pop(ev.job, None)
            self.c.add(ev.data)
            if ev.data.get("error"):
                self.console.print(f"[red]error[/] {_short(ev.job[0])} {ev.job[1]}: {str(ev.data['error'])[:160]}")
        oldest = min(self.running.items(), key=lambda kv: kv[1], default=None)
        running = f"[dim]oldest running: {_short(oldest[0][0])} {oldest[0][1]}[/]" if oldest else ""
        self.progress.update(self.task, completed=self.c.done, rate=f"{self.c.rate():.1f}", eta=self.c.eta(),
                             ok=self.c.done - self.c.errors - self.c.blocked - self.c.unchecked, blocked=self.c.blocked,
                             errors=self.c.errors, running=running)

    def close(self) -> None:
        self.progress.stop()


def _short(path: str) -> str:
    parts = path.rstrip("/").split("/")
    return "/".join(parts[-2:])


def make_progress(total: int, stream: TextIO | None = None, skipped: int = 0, plain: bool | None = None) -> Any:
    """The rich bar on a terminal when rich is installed, plain lines otherwise (or when `plain` says so)."""
    stream = stream or sys.stderr
    if plain is None:
        plain = not (hasattr(stream, "isatty") and stream.isatty())
    if not plain:
        try:
            return RichProgress(total, stream, skipped)
        except ImportError:
            pass
    return PlainProgress(total, stream, skipped)
