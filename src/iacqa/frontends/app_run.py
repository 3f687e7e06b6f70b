"""Run a user's IaC app (a CDK or CDKTF synth) in a sandboxed child and watch it; shared by both front ends.

The child is a fresh interpreter running `iacqa.frontends.cdk_py.runner` (never a fork: a process that imported
a jsii library holds pipes to its node kernel, and node needs no RLIMIT_AS since it reserves gigabytes of address
space). It runs in its own session and is watched by sandbox.tree (time, RSS of the whole tree python + node).
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iacqa.sandbox.child import read_events, tail
from iacqa.sandbox.tree import watch


@dataclass
class AppRun:
    status: str  # ok | error | timeout | memory | exit | killed | start-failed
    seconds: float = 0.0
    peak_mb: float = 0.0
    exit_code: int | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    stdout: str = ""
    stderr: str = ""
    detail: str = ""


def run_app(root: Path, path0: str, mode: str, target: str, env: dict[str, str], work: Path, timeout: float,
            memory_mb: int) -> AppRun:
    """Run `target` (a script path, or a module with mode "module") as `python target` would, in `root`."""
    events_path = work / "events.jsonl"
    out_path, err_path = work / "stdout", work / "stderr"
    cmd = [sys.executable, "-m", "iacqa.frontends.cdk_py.runner", str(events_path), str(root), path0, mode, target]
    start = time.monotonic()
    with open(out_path, "wb") as out_fh, open(err_path, "wb") as err_fh:
        try:
            proc = subprocess.Popen(cmd, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=out_fh, stderr=err_fh,
                                    start_new_session=True)
        except OSError as exc:
            return AppRun("start-failed", detail=f"could not start the synth child: {exc}")
        status, peak = watch(proc, timeout, memory_mb)
    run = AppRun(status, round(time.monotonic() - start, 2), round(peak, 1), proc.returncode)
    run.events = read_events(events_path)
    run.stdout, run.stderr = tail(out_path, 8000), tail(err_path, 8000)
    return run
