"""The guard every Python process of a tests run installs at start-up (via sitecustomize).

- memory: RLIMIT_AS from IACQA_MEM_MB (the parent also watches the whole tree's RSS);
- network: only loopback (iacqa.sandbox.netguard when importable, else a local copy of the same idea);
- files: an audit hook refuses writes, deletes and renames outside IACQA_SANDBOX_ROOT (the scratch directory that
  holds the copy of the project, HOME and TMPDIR) and records each refusal, with the test line that tried, in
  IACQA_EVENTS (one JSON object per line; written through a descriptor opened before the hook, so it is not
  itself audited).
Standard library only: it runs before anything else in the child.
"""

from __future__ import annotations

import json
import os
import sys
import threading

_fd: int | None = None
_root = ""
_project = ""
_allowed: tuple[str, ...] = ()
_local = threading.local()
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
_PATH_EVENTS = {
    "os.remove": (0,), "os.unlink": (0,), "os.rmdir": (0,), "os.mkdir": (0,), "os.rename": (0, 1),
    "os.replace": (0, 1), "os.symlink": (1,), "os.link": (1,), "os.chmod": (0,), "os.chown": (0,),
    "os.truncate": (0,), "os.utime": (0,), "shutil.rmtree": (0,), "shutil.move": (0, 1), "shutil.copytree": (1,),
    "os.mkfifo": (0,), "os.mknod": (0,),
}


def emit(event: dict) -> None:
    if _fd is None:
        return
    try:
        os.write(_fd, (json.dumps(event, default=repr) + "\n").encode())
    except OSError:
        pass


def _test_frame() -> tuple[str | None, int | None]:
    """The innermost frame in the project's own files (not in site-packages): who tried."""
    f = sys._getframe(2)
    first = (None, None)
    while f is not None:
        fn = f.f_code.co_filename
        if _project and fn.startswith(_project + os.sep):
            rel = os.path.relpath(fn, _project)
            if first[0] is None:
                first = (rel, f.f_lineno)
            if "test" in os.path.basename(fn):
                return rel, f.f_lineno
        f = f.f_back
    return first


def _outside(path: object) -> str | None:
    if isinstance(path, int) or path is None:
        return None
    try:
        p = os.fsdecode(os.fspath(path))  # type: ignore[arg-type]
    except TypeError:
        return None
    full = os.path.realpath(os.path.join(os.getcwd(), p)) if not os.path.isabs(p) else os.path.realpath(p)
    if full == _root or full.startswith(_root + os.sep):
        return None
    if full in ("/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty") or full.startswith(_allowed):
        return None
    return full


def _hook(event: str, args: tuple) -> None:
    if getattr(_local, "busy", False):
        return
    if event == "open":
        path, mode, flags = (list(args) + [None, None, None])[:3]
        if isinstance(mode, str):
            if not any(c in mode for c in "wax+"):
                return
        elif not (isinstance(flags, int) and flags & _WRITE_FLAGS):
            return
        targets = [path]
    elif event in _PATH_EVENTS:
        targets = [args[i] for i in _PATH_EVENTS[event] if i < len(args)]
    else:
        return
    _local.busy = True
    try:
        for t in targets:
            bad = _outside(t)
            if bad is not None:
                file, line = _test_frame()
                emit({"kind": "blocked-write", "event": event, "path": bad, "file": file, "line": line,
                      "pid": os.getpid()})
                raise PermissionError(13, "iacqa sandbox: writing outside the project directory is refused", bad)
    finally:
        _local.busy = False


def _memory() -> None:
    mb = os.environ.get("IACQA_MEM_MB")
    if not mb:
        return
    try:
        import resource

        cap = int(mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass


def _network() -> None:
    try:
        from iacqa.sandbox import netguard
    except ImportError:  # pragma: no cover - iacqa is installed in the interpreter that runs the tests
        return
    netguard.install()


def install() -> None:
    global _fd, _root, _project, _allowed
    if getattr(sys, "_iacqa_guarded", False):
        return
    sys._iacqa_guarded = True  # type: ignore[attr-defined]
    _root = os.path.realpath(os.environ["IACQA_SANDBOX_ROOT"])
    _project = os.path.realpath(os.environ.get("IACQA_PROJECT", _root))
    _allowed = tuple(p for p in os.environ.get("IACQA_ALLOW_WRITE", "").split(os.pathsep) if p)
    events = os.environ.get("IACQA_EVENTS")
    if events:
        _fd = os.open(events, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    _memory()
    _network()
    sys.addaudithook(_hook)
