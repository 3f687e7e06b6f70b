"""Run a user's IaC app (a CDK or CDKTF synth) in a sandboxed child and watch it; shared by both front ends.

The child is a fresh interpreter running `iacqa.frontends.cdk_py.runner` (never a fork: a process that imported
a jsii library holds pipes to its node kernel, and node needs no RLIMIT_AS since it reserves gigabytes of address
space). It runs in its own session; the parent samples the RSS of the whole tree (python + node) and kills the
group past the memory limit or the deadline.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iacqa.sandbox.child import read_events, tail

try:
    import psutil
except ImportError:  # pragma: no cover - psutil is a dependency
    psutil = None


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


def watch(proc: subprocess.Popen, timeout: float, memory_mb: int) -> tuple[str, float]:
    """Wait for the child; kill its whole session on timeout or when the tree's RSS passes the limit."""
    status, peak = "ok", 0.0
    deadline = time.monotonic() + timeout
    ps = None
    if psutil is not None:
        try:
            ps = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            ps = None
    while proc.poll() is None:
        if ps is not None:
            try:
                rss = 0
                for p in [ps, *ps.children(recursive=True)]:
                    try:
                        rss += p.memory_info().rss
                    except (psutil.NoSuchProcess, psutil.AccessDenied):
                        continue
                peak = max(peak, rss / 2**20)
                if rss > memory_mb * 2**20:
                    status = "memory"
                    break
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        if time.monotonic() > deadline:
            status = "timeout"
            break
        time.sleep(0.05)
    kill_group(proc)  # also reaps node when the app ended without shutting the jsii kernel down
    if status != "ok":
        return status, peak
    if proc.returncode is not None and proc.returncode < 0:
        return "killed", peak
    return status, peak


def kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
