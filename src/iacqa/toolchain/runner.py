"""Run node (or a toolchain binary) on a workspace in the sandbox: namespaces, fake AWS, time and tree-memory limits.

Every run goes through `sandbox.spawn` (one sandbox for every foreign child): bubblewrap where it works (read-only
system, private /tmp and HOME, PID and network namespaces; the emulator's loopback port forwarded in when the
child must reach it), else the process fallback in its own session. Node reserves large address space, so memory
is limited on the whole tree's RSS, not with RLIMIT_AS. npm is never run here: only node, tsc, jest and the
project's code.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from iacqa.sandbox.env import safe_env

OUTPUT_LIMIT = 4 * 2**20  # bytes of stdout/stderr kept


@dataclass
class NodeRun:
    status: str  # ok | error (non-zero exit) | timeout | memory | killed | unavailable
    exit_code: int | None
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float
    isolation: str


def bwrap_works() -> bool:
    """Namespaces available here (kept for callers; the decision is sandbox.policy's)."""
    from iacqa.sandbox import bwrap

    return bwrap.probe() is None


def run(argv: list[str], cwd: Path, *, timeout: float = 120.0, memory_mb: int = 3072, network: bool = False,
        env: dict[str, str] | None = None, writable: list[Path] | None = None) -> NodeRun:
    """Run argv in cwd (which is writable, like `writable`) through sandbox.spawn; output tails kept.

    network: the child must reach the emulator: its loopback port (AWS_ENDPOINT_URL) is forwarded into the
    sandbox; nothing else of the host's network is reachable, ever."""
    from urllib.parse import urlparse

    from iacqa.sandbox import spawn
    from iacqa.sandbox.env import DEAD_ENDPOINT

    home = Path(tempfile.mkdtemp(prefix="iacqa-nodehome-"))
    full_env = safe_env(home / "h", extra={
        "NODE_OPTIONS": f"--max-old-space-size={max(256, int(memory_mb * 0.75))}",
        "CDK_DISABLE_VERSION_CHECK": "1", "CDK_CLI_NOTICES": "false", "CI": "true",
        "CHECKPOINT_DISABLE": "1", "DISABLE_VERSION_CHECK": "1", "PULUMI_SKIP_UPDATE_CHECK": "true",
        "NO_UPDATE_NOTIFIER": "1", "FORCE_COLOR": "0", "NODE_NO_WARNINGS": "1", **(env or {})})
    readable = [Path(p) for p in full_env.get("NODE_PATH", "").split(os.pathsep) if p and os.path.isdir(p)]
    readable += [Path(a).parent for a in argv if os.path.isabs(a) and os.path.exists(a)]
    from iacqa.toolchain import node as toolchain

    tc = toolchain.find()  # the workspace's node_modules link points into it
    if tc is not None:
        readable.append(tc.root)
    ports = []
    url = urlparse(full_env.get("AWS_ENDPOINT_URL", DEAD_ENDPOINT))
    if network and url.hostname in ("127.0.0.1", "localhost") and url.port and url.port != 9:
        ports.append(url.port)
    try:
        o = spawn(argv, cwd=cwd, env=full_env, timeout=timeout, memory_mb=memory_mb,
                  writable=[cwd, home, *(writable or [])], readable=readable, ports=ports, work=home,
                  keep_bytes=OUTPUT_LIMIT, tail_chars=OUTPUT_LIMIT)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if o.status == "start-failed":
        return NodeRun("unavailable", None, "", o.detail, 0.0, 0.0, o.isolation)
    status = {"exit": "error"}.get(o.status, o.status)
    if status == "killed" and o.signal is None:
        status = "error"
    isolation = "bubblewrap" if o.isolation == "namespaces" else "process"
    return NodeRun(status, o.returncode, o.stdout, o.stderr, round(o.seconds, 2), round(o.peak_rss_mb, 1), isolation)


def node() -> str:
    return shutil.which("node") or "node"


# The helper scripts live with the front ends that use them (frontends/node/js).
JS_DIR = Path(__file__).resolve().parent.parent / "frontends" / "node" / "js"


def script(name: str) -> str:
    return str(JS_DIR / name)


def env_path(path: str) -> str:
    return os.fspath(path)
