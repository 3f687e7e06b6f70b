"""The local engine with real worker processes: a crashed worker's job is retried, a hung one is killed with its
children at the budget, Ctrl-C ends every worker tree within 5 s and keeps what finished."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from iacqa.batch.local import LocalEngine
from iacqa.batch.runner import execute
from tests.batch import runners

ROOT = Path(__file__).resolve().parents[2]


def _dirs(tmp_path: Path, *names: str) -> list[tuple[str, str]]:
    jobs = []
    for n in names:
        (tmp_path / n).mkdir()
        jobs.append((str(tmp_path / n), "model"))
    return jobs


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.slow
def test_crashed_worker_job_retried_and_results_streamed(tmp_path: Path) -> None:
    jobs = _dirs(tmp_path, "a", "b", "c")
    out = tmp_path / "r.jsonl"
    got = list(execute(LocalEngine(2, markdown=True, runner=runners.crash_once), jobs, out, budget=30, markdown=True))
    assert len(got) == 3
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert {(d["task"]["path"], d["task"]["response"]) for d in lines} == set(jobs)
    for d in lines:
        assert d.get("error") is None
        assert d["batch"]["attempts"] == 2
        assert "SIGKILL" in d["batch"]["failed_attempts"][0]["error"]
        assert d["batch"]["engine"] == "local"
        assert "_markdown" not in d and (tmp_path / d["batch"]["markdown"]).read_text() == "# report\n"


@pytest.mark.slow
def test_hung_worker_killed_with_its_children_at_the_budget(tmp_path: Path) -> None:
    jobs = _dirs(tmp_path, "hang1", "ok1")
    t0 = time.monotonic()
    got = {d["task"]["path"]: d for d in execute(LocalEngine(2, runner=runners.hang_with_child), jobs,
                                                  tmp_path / "r.jsonl", budget=3, markdown=False)}
    assert time.monotonic() - t0 < 30
    hung = got[jobs[0][0]]
    assert "exceeded the per-task budget of 3 s" in hung["error"] and hung["batch"]["attempts"] == 2
    assert got[jobs[1][0]].get("error") is None
    pids = [int(p) for line in (tmp_path / "hang1" / "children.txt").read_text().split("\n") if line
            for p in line.split()]
    assert len(pids) == 4  # two attempts, each a worker and its own-session child
    time.sleep(0.5)
    assert not [p for p in pids if _alive(p)]


SCRIPT = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from iacqa.batch.local import LocalEngine
from iacqa.batch.runner import execute
from tests.batch import runners
jobs = [({d!r} + "/" + n, "model") for n in ("done1", "hang1", "hang2")]
try:
    for data in execute(LocalEngine(3, runner=runners.hang_with_child), jobs, Path({out!r}), budget=None):
        pass
except KeyboardInterrupt:
    sys.exit(130)
"""


@pytest.mark.slow
def test_ctrl_c_ends_every_worker_within_5s_and_keeps_results(tmp_path: Path) -> None:
    for n in ("done1", "hang1", "hang2"):
        (tmp_path / n).mkdir()
    out = tmp_path / "r.jsonl"
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(SCRIPT.format(root=str(ROOT), d=str(tmp_path),
                                                                                 out=str(out)))],
                            cwd=ROOT, start_new_session=True, preexec_fn=_as_a_shell_starts_it)
    try:
        _interrupt_and_check(proc, tmp_path, out)
    finally:
        _kill_tree(proc.pid)


def _as_a_shell_starts_it() -> None:
    """SIGINT at its default and unblocked, as a shell starts a foreground job, whatever the test runner's own
    signal state is (a runner that ignores or blocks SIGINT would hand that on to the child)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _kill_tree(pid: int) -> None:
    """A failed run must not leave its workers behind for the next tests."""
    try:
        procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    for p in procs:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass


def _interrupt_and_check(proc: subprocess.Popen, tmp_path: Path, out: Path) -> None:
    deadline = time.monotonic() + 60
    children = [tmp_path / "hang1" / "children.txt", tmp_path / "hang2" / "children.txt"]
    while time.monotonic() < deadline and not (out.exists() and out.read_text().strip()
                                               and all(c.exists() for c in children)):
        time.sleep(0.2)
    assert out.read_text().strip(), "the quick job never finished"
    workers = [c.pid for c in psutil.Process(proc.pid).children()]
    os.kill(proc.pid, signal.SIGINT)  # what the terminal sends to the foreground process
    t0 = time.monotonic()
    code = proc.wait(timeout=15)
    assert time.monotonic() - t0 < 5.0
    assert code == 130
    pids = [int(p) for c in children for line in c.read_text().split("\n") if line for p in line.split()]
    time.sleep(0.3)
    assert not [p for p in pids + workers if _alive(p)], "a worker or its child outlived Ctrl-C"
    kept = [json.loads(x) for x in out.read_text().splitlines()]
    assert [d["task"]["path"].rsplit("/", 1)[1] for d in kept] == ["done1"]
