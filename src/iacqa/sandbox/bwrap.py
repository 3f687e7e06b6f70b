"""The kernel-enforced sandbox: bubblewrap (the sandbox Flatpak uses, Debian/Ubuntu package `bubblewrap`).

`command()` is the one place that decides what a child may see; its rules:
- the system (/usr, /etc, libraries), the interpreter's prefix and every import path: read-only;
- the directories the caller names writable (a scratch holding the copy of the project, HOME, TMPDIR): read-write,
  nothing else is writable; /tmp is a private tmpfs; the real HOME, /root, /home, /run, /work... are not mounted;
- new PID namespace with its own /proc: no view of other processes (no /proc/<ppid>/environ), everything in it
  dies with it; --die-with-parent: it also dies when iacqa does;
- new network namespace: loopback only (a port of the parent is reached through a unix socket bound in);
- new IPC/UTS (and cgroup when possible) namespaces, every capability dropped, a new session (no TIOCSTI).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt")
# Files under /etc a root-owned child could still read: masked with /dev/null.
MASKED = ("/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-", "/etc/sudoers")
HOSTNAME = "iacqa-sandbox"


def find() -> str | None:
    return shutil.which("bwrap")


def python_paths() -> list[Path]:
    """What a Python child needs to read: the prefixes and every existing import path of this interpreter."""
    out: list[Path] = []
    for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable)),
              *sys.path):
        if p and os.path.isabs(p) and os.path.isdir(p):
            out.append(Path(p))
    node = shutil.which("node")
    if node:  # jsii's kernel (CDK/CDKTF synth) runs node; nvm/volta installs live outside /usr
        real = Path(os.path.realpath(node))
        out.append(real.parent.parent if real.parent.name == "bin" else real.parent)
    return out


def _minimal(paths: Iterable[Path]) -> list[Path]:
    """Drop paths inside another listed path (one bind covers them) and system dirs (bound already)."""
    uniq = sorted({Path(os.path.realpath(p)) for p in paths}, key=lambda p: len(p.parts))
    out: list[Path] = []
    for p in uniq:
        if any(p == Path(s) or p.is_relative_to(s) for s in SYSTEM_DIRS if os.path.isdir(s)):
            continue
        if not any(p.is_relative_to(q) for q in out):
            out.append(p)
    return out


def command(argv: Sequence[str], *, cwd: Path, writable: Iterable[Path] = (), readable: Iterable[Path] = (),
            binds: Iterable[tuple[Path, Path]] = (), bwrap: str = "bwrap", share_net: bool = False) -> list[str]:
    """The bwrap command line running argv under the rules above.

    writable: directories bound read-write at their own path; readable: bound read-only (the interpreter's paths
    are added); binds: (source, destination) read-write pairs (a copy shown at the original's path).
    """
    cmd = [bwrap, "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
           "--unshare-cgroup-try", "--hostname", HOSTNAME, "--cap-drop", "ALL"]
    if not share_net:
        cmd.append("--unshare-net")
    for d in SYSTEM_DIRS:
        if os.path.islink(d):  # merged /usr: /bin -> usr/bin
            cmd += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            cmd += ["--ro-bind", d, d]
    for f in MASKED:
        if os.path.exists(f):
            cmd += ["--ro-bind", "/dev/null", f]
    cmd += ["--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--tmpfs", "/var/tmp", "--tmpfs", "/run"]
    for p in _minimal([*python_paths(), *readable]):
        cmd += ["--ro-bind", str(p), str(p)]
    rw = [(Path(os.path.realpath(p)), Path(os.path.realpath(p))) for p in writable]
    rw += [(Path(os.path.realpath(s)), Path(os.path.abspath(d))) for s, d in binds]
    for src, dest in sorted(rw, key=lambda sd: len(sd[1].parts)):  # parents before what is bound inside them
        cmd += ["--bind", str(src), str(dest)]
    cmd += ["--chdir", str(cwd), "--", *argv]
    return cmd


@functools.lru_cache(maxsize=1)
def probe() -> str | None:
    """None when bwrap can build a sandbox here, else why not (missing binary, user namespaces disabled...)."""
    exe = find()
    if exe is None:
        return "bubblewrap (bwrap) is not installed"
    cmd = command(["true"], cwd=Path("/"), bwrap=exe)
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=20, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bwrap could not start: {exc}"
    if p.returncode != 0:
        err = p.stderr.decode(errors="replace").strip().splitlines()
        return f"bwrap cannot create namespaces here: {err[-1] if err else p.returncode}"
    return None
