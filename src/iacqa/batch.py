"""Many tasks: a pool of workers (each imports the heavy SDKs once), one forked child per program run, and a
JSON-lines result file written as each task finishes, so a crash or Ctrl-C loses nothing and a re-run resumes."""

from __future__ import annotations

import json
import multiprocessing
import time
import traceback
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any


def find_tasks(paths: list[Path]) -> list[Path]:
    """Task directories (holding metadata.json) under each path, or the paths themselves."""
    out: list[Path] = []
    for p in paths:
        if (p / "metadata.json").exists():
            out.append(p)
        else:
            out.extend(sorted(m.parent for m in p.rglob("metadata.json")))
    return list(dict.fromkeys(out))


def _init_worker() -> None:
    try:
        from iacqa.frontends.pulumi_py import harness

        harness.preload()
    except Exception:  # noqa: BLE001 - a missing extra shows up per task as an unavailable stage
        pass


def run_one(task: str, response: str, options: dict[str, Any]) -> dict[str, Any]:
    """Analyze one task in a worker; never raises."""
    from iacqa.ingest.task import InputError
    from iacqa.pipeline import analyze
    from iacqa.report import json_report

    t0 = time.monotonic()
    try:
        result = analyze(task, response=response, options=options)
        data = json_report.to_json(result)
    except InputError as exc:
        data = {"task": {"path": task, "response": response}, "error": str(exc), "findings": []}
    except Exception as exc:  # noqa: BLE001 - one bad task never stops a batch
        data = {"task": {"path": task, "response": response}, "findings": [],
                "error": f"internal error: {type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc(limit=5)}
    data["batch_seconds"] = round(time.monotonic() - t0, 3)
    return data


def _key(path: str) -> str:
    """Tasks are matched by resolved absolute path, so `tasks/x` and `/abs/tasks/x` resume as one task."""
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError):
        return path


def _done(out: Path) -> set[tuple[str, str]]:
    seen = set()
    if out.exists():
        for line in out.read_text().splitlines():
            try:
                d = json.loads(line)
                seen.add((_key(d["task"]["path"]), d["task"]["response"]))
            except (ValueError, KeyError, TypeError):
                continue
    return seen


def run_batch(tasks: list[Path], responses: list[str], out: Path, workers: int = 2,
              options: dict[str, Any] | None = None, resume: bool = True) -> Iterator[dict[str, Any]]:
    """Yield each task's JSON report as it finishes, appending it to `out` first."""
    options = dict(options or {})
    todo = [(_key(str(t)), r) for t in tasks for r in responses]
    if resume:
        done = _done(out)
        todo = [j for j in todo if j not in done]
    out.parent.mkdir(parents=True, exist_ok=True)
    ctx = multiprocessing.get_context("spawn")
    with out.open("a") as fh:
        while todo:
            pool = ProcessPoolExecutor(max_workers=max(1, workers), mp_context=ctx, initializer=_init_worker)
            pending: dict[Future, tuple[str, str]] = {}
            queue = list(todo)
            try:
                while queue or pending:
                    while queue and len(pending) < workers * 2:
                        job = queue.pop(0)
                        pending[pool.submit(run_one, job[0], job[1], options)] = job
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        job = pending.pop(fut)
                        data = fut.result()
                        fh.write(json.dumps(data, default=str) + "\n")
                        fh.flush()
                        todo.remove(job)
                        yield data
            except BrokenProcessPool:
                # A worker died (e.g. a native crash): record the tasks in flight and go on with a new pool.
                for job in pending.values():
                    data = {"task": {"path": job[0], "response": job[1]}, "findings": [],
                            "error": "internal error: the worker process died while analyzing this task"}
                    fh.write(json.dumps(data) + "\n")
                    fh.flush()
                    todo.remove(job)
                    yield data
            except KeyboardInterrupt:
                # Ctrl-C: every finished result is already written; end the workers now (their sandboxed
                # children die with them: --die-with-parent / killed session) instead of waiting for them.
                for proc in list((getattr(pool, "_processes", None) or {}).values()):
                    proc.kill()
                raise
            finally:
                pool.shutdown(wait=False, cancel_futures=True)
