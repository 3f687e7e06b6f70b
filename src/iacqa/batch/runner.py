"""A batch from start to end: pick the jobs (resume), run them on an engine, append each result to the JSON-lines
file as it arrives (with its markdown report next to it), audit tasks whose model result is in, and write the
aggregate file at the end, also after Ctrl-C (what finished is kept)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iacqa.batch.scheduler import Engine, Event, run_jobs
from iacqa.batch.tasks import Job, done_jobs, repair_tail, resolve
from iacqa.batch.worker import MARKDOWN_KEY

DEFAULT_TIMEOUT_TOTAL = 600.0
BUDGET_GRACE = 60.0  # past the pipeline's own `timeout_total` (which skips stages), the batch kills the worker


def budget_of(options: Any, override: float | None = None) -> float | None:
    """The hard wall-clock seconds one job may take: `timeout_total` plus a grace for the stage already running
    when the pipeline's own budget runs out (it stops starting stages, it does not interrupt one)."""
    if override is not None:
        return override if override > 0 else None
    total = getattr(options, "timeout_total", None)
    if total is None and isinstance(options, dict):
        total = options.get("timeout_total")
    total = DEFAULT_TIMEOUT_TOTAL if total is None else float(total)
    return total + BUDGET_GRACE if total > 0 else None


def side_paths(out: Path) -> dict[str, Path]:
    """Files written next to the results: the aggregate, the markdown reports, the audits."""
    stem = out.name[:-6] if out.name.endswith(".jsonl") else out.stem
    return {"aggregate": out.with_name(f"{stem}.aggregate.json"), "reports": out.with_name(f"{stem}.reports"),
            "audit": out.with_name(f"{stem}.audit.jsonl")}


def report_name(task: str, response: str) -> str:
    """A stable file name for a job's markdown report: `<parent>__<task>.<response>.<hash>.md`."""
    p = Path(task)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{p.parent.name}__{p.name}")[:80]
    return f"{slug}.{response}.{hashlib.sha1(task.encode()).hexdigest()[:6]}.md"


@dataclass
class Plan:
    jobs: list[Job]
    skipped: int


def plan(tasks: list[Path], responses: list[str], out: Path, resume: bool = True,
         retry_errors: bool = False) -> Plan:
    """The jobs still to run: every (task, response), minus those the results file holds when resuming."""
    jobs = list(dict.fromkeys((resolve(t), r) for t in tasks for r in responses))
    if not resume:
        return Plan(jobs, 0)
    done = done_jobs(out, retry_errors=retry_errors)
    todo = [j for j in jobs if j not in done]
    return Plan(todo, len(jobs) - len(todo))


def make_engine(name: str, workers: int, options: Any, stages: tuple[str, ...] | None, markdown: bool,
                address: str | None = None, ship: bool = False) -> Engine:
    if name == "ray":
        from iacqa.batch.ray_engine import RayEngine

        return RayEngine(address, workers or None, options, stages, markdown, ship)
    from iacqa.batch.local import LocalEngine

    return LocalEngine(workers, options, stages, markdown)


def execute(engine: Engine, jobs: list[Job], out: Path, budget: float | None, markdown: bool = True,
            on_event: Callable[[Event], None] | None = None,
            on_result: Callable[[dict[str, Any]], None] | None = None) -> Iterator[dict[str, Any]]:
    """Run `jobs` on `engine`; each result is appended to `out` (and flushed) before it is yielded."""
    out.parent.mkdir(parents=True, exist_ok=True)
    repair_tail(out)
    reports = side_paths(out)["reports"]
    with out.open("a", encoding="utf-8") as fh:
        for ev in run_jobs(engine, jobs, budget):
            if ev.kind == "done" and ev.data is not None:
                data = ev.data
                md = data.pop(MARKDOWN_KEY, None)
                if markdown and md:
                    data.setdefault("batch", {})["markdown"] = _write_report(reports, ev.job, md)
                data.setdefault("batch", {})["engine"] = engine.name
                data["batch"]["finished"] = round(time.time(), 3)  # when the driver received it (throughput)
                fh.write(json.dumps(data, default=str, ensure_ascii=False) + "\n")
                fh.flush()
                if on_result:
                    on_result(data)
            if on_event:
                on_event(ev)
            if ev.kind == "done" and ev.data is not None:
                yield ev.data


def _write_report(reports: Path, job: Job, text: str) -> str | None:
    """Write a job's markdown report atomically; the path relative to the results file's directory."""
    try:
        reports.mkdir(parents=True, exist_ok=True)
        name = report_name(*job)
        tmp = reports / f".{name}.tmp"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, reports / name)
        return f"{reports.name}/{name}"
    except OSError:
        return None


def run_batch(tasks: list[Path], responses: list[str], out: Path, workers: int = 2, options: Any = None,
              resume: bool = True, *, engine: str = "local", address: str | None = None,
              stages: tuple[str, ...] | None = None, budget: float | None = None, markdown: bool = True,
              on_event: Callable[[Event], None] | None = None) -> Iterator[dict[str, Any]]:
    """Yield each job's JSON report as it finishes, appending it to `out` first (the pre-package signature,
    extended with keywords)."""
    p = plan(tasks, responses, out, resume)
    if not p.jobs:
        return
    eng = make_engine(engine, workers, options, stages, markdown, address)
    yield from execute(eng, p.jobs, out, budget_of(options, budget), markdown, on_event)
