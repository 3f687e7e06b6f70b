"""The scheduling policy, with an in-process fake engine: budgets, crash and hang retries, every slot ended."""

from __future__ import annotations

import time
from typing import Any

import pytest

from iacqa.batch.scheduler import Crash, run_jobs


class FakeSlot:
    def __init__(self, engine: FakeEngine, n: int) -> None:
        self.name, self.engine, self.job, self.killed, self.since = f"fake-{n}", engine, None, False, 0.0

    def submit(self, job: tuple[str, str]) -> None:
        self.job, self.since = job, time.monotonic()
        self.engine.attempts[job] = self.engine.attempts.get(job, 0) + 1

    def kill(self) -> None:
        self.killed = True


class FakeEngine:
    """Each job has a script of behaviours per attempt: ok, crash or hang."""

    name = "fake"

    def __init__(self, script: dict[tuple[str, str], list[str]], width: int = 2) -> None:
        self.script, self.width, self.attempts = script, width, {}
        self.slots: list[FakeSlot] = []
        self.shut: list[FakeSlot] | None = None

    def capacity(self) -> int:
        return self.width

    def new_slot(self) -> FakeSlot:
        s = FakeSlot(self, len(self.slots))
        self.slots.append(s)
        return s

    def wait(self, busy: list[FakeSlot], timeout: float) -> list[tuple[FakeSlot, Any]]:
        out = []
        for s in busy:
            plan = self.script.get(s.job, ["ok"])
            what = plan[min(len(plan), self.attempts[s.job]) - 1]
            if what == "ok":
                out.append((s, {"task": {"path": s.job[0], "response": s.job[1]}, "findings": []}))
            elif what == "crash":
                out.append((s, Crash("killed by SIGSEGV")))
        if not out:
            time.sleep(min(timeout, 0.05))
        return out

    def shutdown(self, slots: list[FakeSlot]) -> None:
        self.shut = list(slots)


def _done(events: list[Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {e.job: e.data for e in events if e.kind == "done"}


def test_every_job_once_and_slots_reused() -> None:
    jobs = [(f"/t/{i}", "model") for i in range(5)]
    eng = FakeEngine({})
    events = list(run_jobs(eng, jobs, budget=None))
    done = _done(events)
    assert sorted(done) == sorted(jobs)
    assert all(d["batch"]["attempts"] == 1 for d in done.values())
    assert len(eng.slots) == 2  # two workers served five jobs
    assert eng.shut is not None and len(eng.shut) == 2


def test_crash_is_recorded_and_retried_once() -> None:
    crashy, dead = ("/t/crashy", "model"), ("/t/dead", "model")
    eng = FakeEngine({crashy: ["crash", "ok"], dead: ["crash", "crash"]})
    events = list(run_jobs(eng, [crashy, dead, ("/t/fine", "ideal")], budget=None))
    done = _done(events)
    assert done[crashy].get("error") is None
    assert done[crashy]["batch"]["attempts"] == 2
    assert "SIGSEGV" in done[crashy]["batch"]["failed_attempts"][0]["error"]
    assert done[dead]["error"].startswith("internal error: the worker died")
    assert done[dead]["batch"]["attempts"] == 2 and len(done[dead]["batch"]["failed_attempts"]) == 2
    assert [e.job for e in events if e.kind == "retry"].count(dead) == 1
    assert sum(s.killed for s in eng.slots) == 3  # every crashed worker was ended and replaced


def test_hang_exceeds_budget_killed_and_retried_once() -> None:
    hang = ("/t/hang", "model")
    eng = FakeEngine({hang: ["hang", "hang"]})
    t0 = time.monotonic()
    events = list(run_jobs(eng, [hang, ("/t/ok", "model")], budget=0.3))
    elapsed = time.monotonic() - t0
    done = _done(events)
    assert "exceeded the per-task budget of 0.3 s" in done[hang]["error"]
    assert done[hang]["batch"]["attempts"] == 2
    assert done[("/t/ok", "model")].get("error") is None
    assert 0.55 < elapsed < 3.0


def test_interrupt_ends_every_slot() -> None:
    eng = FakeEngine({("/t/a", "model"): ["hang"], ("/t/b", "model"): ["hang"]})
    gen = run_jobs(eng, [("/t/a", "model"), ("/t/b", "model")], budget=None)
    assert next(gen).kind == "started"
    with pytest.raises(KeyboardInterrupt):
        gen.throw(KeyboardInterrupt)
    assert eng.shut is not None and len(eng.shut) == 1  # the slots started so far
