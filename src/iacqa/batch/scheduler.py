"""One scheduling loop for every engine: hand jobs to worker slots, enforce the per-task wall-clock budget, replace
a worker that crashed or hung and retry its job once, and end every worker when the batch ends or is interrupted.

An engine (local processes, Ray actors) only knows how to start a slot, send it a job, wait for answers and kill a
slot with everything it started; the policy lives here, so both engines give the same results, budgets and retries.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from iacqa.batch.tasks import Job
from iacqa.batch.worker import error_result


@dataclass
class Crash:
    """A slot that died or failed while running its job (not a task the analysis judged: the worker itself)."""

    reason: str


class Slot(Protocol):
    name: str

    def submit(self, job: Job) -> None: ...

    def kill(self) -> None: ...


class Engine(Protocol):
    name: str

    def capacity(self) -> int: ...

    def new_slot(self) -> Slot: ...

    def wait(self, busy: list[Slot], timeout: float) -> list[tuple[Slot, dict[str, Any] | Crash]]: ...

    def shutdown(self, slots: list[Slot]) -> None: ...


@dataclass
class Event:
    """What the loop tells its caller: a job started, was retried, or finished (with its result line)."""

    kind: str  # started | retry | done
    job: Job
    data: dict[str, Any] | None = None
    reason: str = ""


@dataclass
class _Running:
    job: Job
    started: float
    attempt: int


@dataclass
class _Pending:
    job: Job
    attempt: int = 1
    failures: list[dict[str, Any]] = field(default_factory=list)


def run_jobs(engine: Engine, jobs: list[Job], budget: float | None, retries: int = 1) -> Iterator[Event]:
    """Run every job once (plus `retries` after a crash or a hang); yield events as they happen.

    `budget` is the wall-clock seconds one job may take before its worker is killed (None: no limit). On any exit
    (the end, an exception, KeyboardInterrupt, the consumer closing the generator) every worker is ended.
    """
    queue: deque[_Pending] = deque(_Pending(j) for j in jobs)
    idle: list[Slot] = []
    running: dict[int, tuple[Slot, _Running, _Pending]] = {}
    every: list[Slot] = []
    width = max(1, min(engine.capacity(), len(jobs)))
    try:
        while queue or running:
            while queue and len(running) < width:
                if not idle:
                    slot = engine.new_slot()
                    every.append(slot)
                    idle.append(slot)
                slot = idle.pop()
                pend = queue.popleft()
                slot.submit(pend.job)
                running[id(slot)] = (slot, _Running(pend.job, time.monotonic(), pend.attempt), pend)
                yield Event("started", pend.job)
            now = time.monotonic()
            timeout = 0.5
            if budget:
                nearest = min(r.started + budget for _, r, _ in running.values())
                timeout = max(0.0, min(timeout, nearest - now))
            for slot, outcome in engine.wait([s for s, _, _ in running.values()], timeout):
                _, run, pend = running.pop(id(slot))
                if isinstance(outcome, Crash):
                    _drop(engine, slot, every)
                    yield from _failed(queue, pend, run, f"the worker died: {outcome.reason}", retries)
                else:
                    idle.append(slot)
                    outcome.setdefault("batch", {})["attempts"] = run.attempt
                    if pend.failures:
                        outcome["batch"]["failed_attempts"] = pend.failures
                    yield Event("done", run.job, outcome)
            if budget:
                now = time.monotonic()
                for key, (slot, run, pend) in list(running.items()):
                    if now - run.started > budget:
                        running.pop(key)
                        _drop(engine, slot, every)
                        yield from _failed(queue, pend, run, f"exceeded the per-task budget of {budget:g} s "
                                           "(the worker and its children were killed)", retries)
    finally:
        engine.shutdown(every)


def _drop(engine: Engine, slot: Slot, every: list[Slot]) -> None:
    slot.kill()
    if slot in every:
        every.remove(slot)


def _failed(queue: deque[_Pending], pend: _Pending, run: _Running, reason: str, retries: int) -> Iterator[Event]:
    seconds = round(time.monotonic() - run.started, 3)
    pend.failures.append({"attempt": run.attempt, "error": reason, "seconds": seconds})
    if run.attempt <= retries:
        queue.appendleft(_Pending(pend.job, run.attempt + 1, pend.failures))
        yield Event("retry", pend.job, reason=reason)
        return
    data = error_result(pend.job[0], pend.job[1], f"internal error: {reason}", batch_seconds=seconds)
    data["batch"] = {"attempts": run.attempt, "failed_attempts": pend.failures, "seconds": seconds}
    yield Event("done", pend.job, data)
