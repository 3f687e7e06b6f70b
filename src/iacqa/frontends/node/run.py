"""Run node (or a toolchain binary) on a workspace in the sandbox: namespaces, fake AWS, time and tree-memory limits.

Isolation: bubblewrap where it works (read-only system, private /tmp and HOME, PID namespace, and no network
unless the child must reach the emulator on loopback), else a plain child in its own session. Node reserves
large address space, so memory is limited on the whole tree's RSS (sandbox/tree.py), not with RLIMIT_AS.
npm is never run here: only node, tsc, jest and the project's code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from iacqa.sandbox.env import safe_env
from iacqa.sandbox.tree import watch

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


@lru_cache(maxsize=1)
def bwrap_works() -> bool:
    exe = shutil.which("bwrap")
    if not exe:
        return False
    try:
        r = subprocess.run([exe, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-pid",
                            "--unshare-net", "--die-with-parent", "true"], capture_output=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return False
    return r.returncode == 0


def _bwrap_argv(argv: list[str], writable: list[Path], cwd: Path, network: bool) -> list[str]:
    cmd = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
           "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent", "--new-session"]
    if not network:
        cmd.append("--unshare-net")
    for w in writable:
        cmd += ["--bind", str(w), str(w)]
    cmd += ["--chdir", str(cwd)]
    return cmd + argv


def run(argv: list[str], cwd: Path, *, timeout: float = 120.0, memory_mb: int = 3072, network: bool = False,
        env: dict[str, str] | None = None, writable: list[Path] | None = None) -> NodeRun:
    """Run argv in cwd (which is writable, like `writable`); stdout/stderr captured to files, then read."""
    home = Path(tempfile.mkdtemp(prefix="iacqa-nodehome-"))
    out_path, err_path = home / ".stdout", home / ".stderr"
    full_env = safe_env(home / "h", extra={
        "NODE_OPTIONS": f"--max-old-space-size={max(256, int(memory_mb * 0.75))}",
        "CDK_DISABLE_VERSION_CHECK": "1", "CDK_CLI_NOTICES": "false", "CI": "true",
        "CHECKPOINT_DISABLE": "1", "DISABLE_VERSION_CHECK": "1", "PULUMI_SKIP_UPDATE_CHECK": "true",
        "NO_UPDATE_NOTIFIER": "1", "FORCE_COLOR": "0", "NODE_NO_WARNINGS": "1", **(env or {})})
    isolation = "bubblewrap" if bwrap_works() else "process"
    cmd = _bwrap_argv(argv, [cwd, home, *(writable or [])], cwd, network) if isolation == "bubblewrap" else argv
    t0 = time.monotonic()
    try:
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            proc = subprocess.Popen(cmd, cwd=cwd, env=full_env, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
            status, peak = watch(proc, timeout, memory_mb)
    except OSError as exc:
        shutil.rmtree(home, ignore_errors=True)
        return NodeRun("unavailable", None, "", str(exc), 0.0, 0.0, isolation)
    seconds = time.monotonic() - t0
    stdout = _read(out_path)
    stderr = _read(err_path)
    shutil.rmtree(home, ignore_errors=True)
    if status == "ok" and proc.returncode:
        status = "error"
    return NodeRun(status, proc.returncode, stdout, stderr, round(seconds, 2), round(peak, 1), isolation)


def _read(p: Path) -> str:
    try:
        with open(p, "rb") as fh:
            data = fh.read(OUTPUT_LIMIT)
        return data.decode(errors="replace")
    except OSError:
        return ""


def node() -> str:
    return shutil.which("node") or "node"


JS_DIR = Path(__file__).parent / "js"


def script(name: str) -> str:
    return str(JS_DIR / name)


def env_path(path: str) -> str:
    return os.fspath(path)
