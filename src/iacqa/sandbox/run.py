"""Run one of iacqa's own functions as a sandboxed child: `run_python("pkg.mod:func", kwargs, ...)`.

The function is called as func(sink, **kwargs) in a fresh interpreter started by `spawn` (namespaces when bwrap
works here, else the process guard). kwargs must be JSON; larger objects go through a file in `work`.
The caller's project (or a copy of it) is the child's cwd and, with `copy=True`, the child works on a copy shown at
the project's own path, so nothing it writes reaches the original.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from iacqa.sandbox.env import safe_env
from iacqa.sandbox.outcome import Outcome
from iacqa.sandbox.spawn import spawn

COPY_SKIP = {".git", "node_modules", "__pycache__", ".venv", "venv", ".pytest_cache", "cdktf.out", "cdk.out",
             ".terraform", "coverage", ".coverage"}


def copy_project(src: Path, dest: Path) -> Path:
    """A copy of the project for the child to work in: links inside the project kept as links, links that leave
    it dropped (ingest reports them), so nothing outside is read or run through the copy."""
    root = os.path.realpath(src)

    def ignore(d: str, names: list[str]) -> list[str]:
        out = []
        for n in names:
            p = os.path.join(d, n)
            real = os.path.realpath(p)
            if n in COPY_SKIP or n.endswith(".pyc") or (os.path.islink(p) and not (
                    real == root or real.startswith(root + os.sep))):
                out.append(n)
        return out

    shutil.copytree(src, dest, symlinks=True, ignore=ignore)
    return dest


def run_python(target: str, kwargs: dict[str, Any], *, project: Path, timeout: float, memory_mb: float,
               env_extra: dict[str, str] | None = None, endpoint_url: str | None = None, ports: Iterable[int] = (),
               copy: bool = True, rlimit_as: bool = True, readable: Iterable[Path] = (),
               work: Path | None = None) -> Outcome:
    """Run `target` on `project` in a sandboxed fresh interpreter; never raises for what the child does."""
    own = work is None
    work = Path(work or tempfile.mkdtemp(prefix="iacqa-run-"))
    try:
        home = work / "home"
        (home / "tmp").mkdir(parents=True, exist_ok=True)
        project = Path(project).resolve()
        binds: list[tuple[Path, Path]] = []
        writable = [work]
        if not copy:
            readable = [*readable, project]
        if copy:
            copy_project(project, work / "project")
            binds.append((work / "project", project))
        events = work / "events.jsonl"
        spec = {"target": target, "kwargs": kwargs, "events": str(events),
                "memory_mb": int(memory_mb) if rlimit_as else None, "sys_path": None}
        spec_path = work / "spec.json"
        spec_path.write_text(json.dumps(spec))
        env = safe_env(home, endpoint_url=endpoint_url, extra=env_extra)
        env["TMPDIR"] = str(home / "tmp")
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p and os.path.isabs(p))
        env["IACQA_EVENTS"] = str(events)
        env["IACQA_PROJECT"] = str(project)
        from iacqa.sandbox import policy

        iso = policy.effective()
        # Under the fallback the child cannot see the copy at the project's path: it runs in the copy itself
        # (paths it reports are relative to its root, so the same either way) and only the copy is writable.
        cwd = project if (iso == "namespaces" or not copy) else work / "project"
        if iso != "namespaces" and copy:
            spec["kwargs"] = {k: (str(cwd) if v == str(project) else v) for k, v in kwargs.items()}
            spec_path.write_text(json.dumps(spec))
        # The child may write in its project (a copy when copy=True: at the project's path under namespaces, the
        # cwd otherwise, inside `work`), in `work`, and nowhere else.
        env["IACQA_SANDBOX_ROOT"] = os.pathsep.join([str(work), *([str(cwd)] if not copy or iso == "namespaces"
                                                                  else [])])
        return spawn([sys.executable, "-m", "iacqa.sandbox.pychild", str(spec_path)], cwd=cwd, env=env,
                     timeout=timeout, memory_mb=memory_mb + 512, writable=writable, binds=binds, readable=readable,
                     events=events, ports=ports, work=work, expect_runner=True, isolation=iso)
    finally:
        if own:
            shutil.rmtree(work, ignore_errors=True)
