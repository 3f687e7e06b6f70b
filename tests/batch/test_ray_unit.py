"""The Ray engine's mapping of Ray's failures to the scheduler's, with a stand-in for the ray module (the real
cluster test is test_ray_engine.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from iacqa.batch.ray_engine import RayEngine, RaySlot, RayUnavailable, _reachable
from iacqa.batch.scheduler import Crash


class ActorDied(Exception):
    pass


class FakeRay:
    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers, self.killed = answers, []

    def wait(self, refs: list[str], num_returns: int, timeout: float) -> tuple[list[str], list[str]]:
        return [r for r in refs if r in self.answers], [r for r in refs if r not in self.answers]

    def get(self, ref: str) -> Any:
        value = self.answers[ref]
        if isinstance(value, Exception):
            raise value
        return value

    def kill(self, actor: Any, no_restart: bool = True) -> None:
        self.killed.append(actor)


def _slot(ray: FakeRay, name: str, ref: str) -> RaySlot:
    s = RaySlot.__new__(RaySlot)
    s.name, s._ray, s.actor, s.ref = name, ray, f"actor-{name}", ref
    return s


def test_wait_maps_a_dead_actor_to_a_crash_and_keeps_answers() -> None:
    ray = FakeRay({"r1": {"task": {"path": "/t", "response": "model"}}, "r2": ActorDied("The actor died unexpectedly"
                                                                                       "\nmore")})
    eng = RayEngine.__new__(RayEngine)
    eng._ray = ray
    s1, s2, s3 = _slot(ray, "a", "r1"), _slot(ray, "b", "r2"), _slot(ray, "c", "r3")
    got = dict((s.name, out) for s, out in eng.wait([s1, s2, s3], 0.1))
    assert got["a"] == {"task": {"path": "/t", "response": "model"}}
    assert isinstance(got["b"], Crash) and got["b"].reason == "b: ActorDied: The actor died unexpectedly"
    assert "c" not in got and s3.ref == "r3"  # still running
    s2.kill()
    assert ray.killed == ["actor-b"] and s2.ref is None


def test_unreachable_head_fails_in_seconds() -> None:
    with pytest.raises(RayUnavailable, match="cannot connect to the Ray cluster at 127.0.0.1:1"):
        _reachable("127.0.0.1:1", timeout=2)
    with pytest.raises(RayUnavailable):
        _reachable("no-port-here")


@pytest.mark.slow
def test_a_shipped_task_gives_the_same_result_under_the_drivers_path(tmp_path) -> None:
    from iacqa.batch.ray_engine import pack, run_packed
    from iacqa.batch.worker import run_one
    from tests.batch.fixtures import write_task

    task = str(write_task(tmp_path / "corpus", "Pr1").resolve())
    stages = ("ingest", "graph", "check")
    here = run_one(task, "model", None, stages, True)
    shipped = run_packed(task, "model", pack(task), None, stages, True)
    for d in (here, shipped):
        d.pop("batch"), d.pop("batch_seconds")
        d["stages"] = [(s["name"], s["status"]) for s in d["stages"]]
        d["task"].pop("project_dir", None)  # a materialized copy: a fresh temporary directory each run
    assert shipped == here
    assert shipped["task"]["path"] == task and shipped["findings"]
    assert "iacqa-shipped-" not in json.dumps(shipped)
    bad = run_packed(task, "model", b"not a tar", None, stages, False)
    assert bad["error"].startswith("internal error: the shipped task could not be unpacked")
