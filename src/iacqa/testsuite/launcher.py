"""Run one command of the tests stage in a sandboxed child (`sandbox.spawn`).

The child gets: a scratch directory holding a copy of the project (its cwd), HOME and TMPDIR inside the scratch
directory, iacqa's safe environment (fake credentials, AWS endpoint on loopback, no real config files), and on
PYTHONPATH the sandbox's `_child` directory whose `sitecustomize` installs the guard in every Python process (memory
limit, loopback-only network, writes outside the scratch directory refused and recorded) plus this package's
`_child` directory (the pytest plugin). Under namespaces only the scratch directory is writable and the emulator's
port is the only one of the host the child reaches (through a unix socket). The parent enforces the time limit
and watches the whole process tree's memory; on either limit everything the run started is killed.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from iacqa.sandbox import policy, safe_env
from iacqa.sandbox.env import DEAD_ENDPOINT
from iacqa.sandbox.outcome import Outcome
from iacqa.sandbox.spawn import spawn

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


Launch = Outcome  # the former name of the record


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
           cwd: Path | None = None) -> Outcome:
    """Run cmd; never raises for what the child does. status: ok | timeout | memory | error (could not start);
    a run that ended with a signal or an exit code is judged from its output (returncode keeps the code)."""
    events_path = scratch.root / "events.jsonl"
    start_offset = events_path.stat().st_size if events_path.exists() else 0
    iso = policy.effective()
    cmd = list(cmd)
    if iso == "namespaces" and len(cmd) > 2 and os.path.basename(cmd[0]) == "unshare" and cmd[1] == "-rn":
        cmd = cmd[2:]  # the sandbox already has its own network namespace
    readable = [Path(p) for k in ("NODE_PATH",) for p in env.get(k, "").split(os.pathsep) if p and os.path.isdir(p)]
    readable += [Path(c).parent for c in cmd[:3] if os.path.isabs(c) and os.path.exists(c)
                 and not Path(c).is_relative_to(scratch.root)]
    ports = []
    url = urlparse(env.get("AWS_ENDPOINT_URL", DEAD_ENDPOINT))
    if env.get("AWS_ENDPOINT_URL", DEAD_ENDPOINT) != DEAD_ENDPOINT and url.hostname in ("127.0.0.1", "localhost") \
            and url.port:
        ports.append(url.port)
    out = spawn(cmd, cwd=cwd or scratch.project, env=env, timeout=timeout, memory_mb=memory_mb,
                writable=[scratch.root], readable=readable, events=events_path, events_offset=start_offset,
                ports=ports, work=scratch.root, isolation=iso, interval=0.03)
    if out.status in ("exit", "killed"):
        out.status = "ok"  # a test run ended by a signal or an exit code is judged from its output, as before
    elif out.status == "start-failed":
        out.status, out.stderr = "error", out.detail
    if out.status == "ok" and "MemoryError" in out.stderr and out.returncode not in (0, 1):
        out.status = "memory"
    return out


def python() -> str:
    return sys.executable
