"""Run a user's IaC app (a CDK or CDKTF synth) in a sandboxed child; shared by both front ends.

The child is a fresh interpreter running `iacqa.frontends.cdk_py.runner` (never a fork: a process that imported
a jsii library holds pipes to its node kernel, and node needs no RLIMIT_AS since it reserves gigabytes of address
space), started by `sandbox.spawn`: under namespaces it works on a copy of the project shown at the project's path
(nothing it writes reaches the original), its jsii node kernel included; the parent watches time and the RSS of the
whole tree (python + node).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from iacqa.sandbox import policy
from iacqa.sandbox.outcome import Outcome
from iacqa.sandbox.run import copy_project
from iacqa.sandbox.spawn import spawn

AppRun = Outcome  # the former name of the record


def run_app(root: Path, path0: str, mode: str, target: str, env: dict[str, str], work: Path, timeout: float,
            memory_mb: int) -> Outcome:
    """Run `target` (a script path, or a module with mode "module") as `python target` would, in `root`."""
    events_path = work / "events.jsonl"
    cmd = [sys.executable, "-m", "iacqa.frontends.cdk_py.runner", str(events_path), str(root), path0, mode, target]
    iso = policy.effective()
    env = dict(env)
    readable = [Path(p) for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and os.path.isdir(p)]
    writable, binds = [work], []
    cache = env.get("JSII_RUNTIME_PACKAGE_CACHE_ROOT")
    if cache:
        # jsii unpacks each library there once and takes a lock in it on every run: it must be writable (read-only,
        # jsii reports "Cannot use the jsii package cache ... EROFS" and the synth breaks). It holds only installed
        # packages' files; a hostile app could alter them for later synths, which is the price of the cache.
        cpath = Path(cache)
        cpath.mkdir(parents=True, exist_ok=True)
        writable.append(cpath)
    if iso == "namespaces":
        binds.append((copy_project(Path(root), work / "project"), Path(root)))
    else:
        writable.append(Path(root))  # the guard's roots: the app may write in its project, nowhere else
    env["IACQA_PROJECT"] = str(root)
    env["IACQA_EVENTS"] = str(events_path)
    try:
        return spawn(cmd, cwd=Path(root), env=env, timeout=timeout, memory_mb=memory_mb, writable=writable,
                     readable=readable, binds=binds, events=events_path, work=work, expect_runner=True,
                     isolation=iso, tail_chars=8000)
    finally:
        shutil.rmtree(work / "project", ignore_errors=True)
