"""Run one command of the tests stage in a guarded child.

The child gets: a scratch directory holding a copy of the project (its cwd), HOME and TMPDIR inside the scratch
directory, iacqa's safe environment (fake credentials, AWS endpoint on loopback, no real config files), and on
PYTHONPATH the `_child` directory whose `sitecustomize` installs the guard in every Python process (memory limit,
loopback-only network, writes outside the scratch directory refused and recorded). The parent enforces the time
limit and watches the whole process tree's memory; on either limit it kills the process group.

`subprocess.Popen` (fork + exec, no preexec_fn) rather than `sandbox.run_forked`: the tests must run in a fresh
interpreter (their own sys.modules, their own `tests` package), and Popen without preexec_fn is safe when the
parent has threads (the emulator's server thread, during integration runs).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iacqa.sandbox import safe_env
from iacqa.sandbox.child import read_events, tail
from iacqa.sandbox.tree import watch

CHILD_DIR = Path(__file__).resolve().parent / "_child"
COPY_SKIP = {".git", "node_modules", "__pycache__", ".venv", "venv", ".pytest_cache", "cdktf.out", "cdk.out",
             ".terraform", "coverage", "cfn-outputs", ".coverage"}


@dataclass
class Scratch:
    """A per-run scratch directory: project copy, home, tmp, events file."""

    root: Path
    project: Path
    home: Path

    @classmethod
    def make(cls, base: Path, project_root: Path, name: str) -> Scratch:
        root = Path(base) / name
        root.mkdir(parents=True, exist_ok=True)
        proj = root / "project"
        shutil.copytree(project_root, proj, symlinks=True,
                        ignore=lambda d, names: [n for n in names if n in COPY_SKIP or n.endswith(".pyc")])
        home = root / "home"
        (home / "tmp").mkdir(parents=True, exist_ok=True)
        return cls(root=root.resolve(), project=proj.resolve(), home=home.resolve())


@dataclass
class Launch:
    status: str  # ok | timeout | memory | error
    returncode: int | None
    seconds: float
    peak_rss_mb: float
    events: list[dict[str, Any]] = field(default_factory=list)
    stdout: str = ""
    stderr: str = ""

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("kind") == kind]


def child_env(scratch: Scratch, endpoint_url: str | None = None, memory_mb: int = 2048,
              test_timeout: float = 0, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = safe_env(scratch.home, endpoint_url=endpoint_url)
    env.update({
        "TMPDIR": str(scratch.home / "tmp"),
        "PYTHONPATH": os.pathsep.join([str(CHILD_DIR), str(scratch.project)]),
        "IACQA_SANDBOX_ROOT": str(scratch.root),
        "IACQA_PROJECT": str(scratch.project),
        "IACQA_EVENTS": str(scratch.root / "events.jsonl"),
        "IACQA_MEM_MB": str(int(memory_mb)),
        "IACQA_TEST_TIMEOUT": f"{test_timeout:g}",
        "COVERAGE_FILE": str(scratch.root / ".coverage"),
        "PYTHONUNBUFFERED": "1",
        "CI": "true",
    })
    if extra:
        env.update(extra)
    return env


def launch(cmd: list[str], scratch: Scratch, env: dict[str, str], timeout: float, memory_mb: int,
           cwd: Path | None = None) -> Launch:
    """Run cmd; never raises for what the child does."""
    events_path = scratch.root / "events.jsonl"
    start_offset = events_path.stat().st_size if events_path.exists() else 0
    out_path, err_path = scratch.root / "stdout.txt", scratch.root / "stderr.txt"
    t0 = time.monotonic()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        try:
            proc = subprocess.Popen(cmd, cwd=cwd or scratch.project, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=err, start_new_session=True)
        except OSError as exc:
            return Launch("error", None, 0.0, 0.0, stderr=f"{type(exc).__name__}: {exc}")
        status, peak = watch(proc, timeout, memory_mb, interval=0.03)
        if status == "killed":
            status = "ok"  # a test run ended by a signal is judged from its output, as before
    seconds = time.monotonic() - t0
    events = read_events(events_path, start_offset)
    stderr = tail(err_path)
    if status == "ok" and "MemoryError" in stderr and proc.returncode not in (0, 1):
        status = "memory"
    return Launch(status, proc.returncode, round(seconds, 3), round(peak, 1), events, tail(out_path), stderr)


def python() -> str:
    return sys.executable
