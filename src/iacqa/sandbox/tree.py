"""Watch a child process tree started in its own session: time limit, memory limit over the whole tree's RSS.

Used for children that cannot run under RLIMIT_AS (the tests stage's pytest, CDK/CDKTF apps whose jsii node
reserves gigabytes of address space): the parent samples the RSS of the process and all its descendants and kills
the session past either limit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

try:
    import psutil
except ImportError:  # pragma: no cover - psutil is a dependency
    psutil = None


def watch(proc: subprocess.Popen, timeout: float, memory_mb: float, interval: float = 0.05) -> tuple[str, float]:
    """Wait for the child; kill its whole session on timeout or when the tree's RSS passes the limit.

    Returns (status, peak MB): ok | timeout | memory | killed (ended by a signal it did not send itself)."""
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
        time.sleep(interval)
    kill_group(proc)  # also reaps what the child left running in its session (node, test servers)
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
    except subprocess.TimeoutExpired:  # pragma: no cover
        pass
