"""Forked children with limits, for code already inside a sandbox (the emulator's handler runs fork from the
emulator child, which `spawn` started under namespaces or the process guard).

Why fork: the platform SDKs are heavy (importing pulumi_aws, cdktf...). A worker imports them once and forks one
child per task, so each task gets a fresh process (its own limits, cwd, environment, sys.modules changes) without
paying the import again. The child reports through a JSON-lines file as it goes, so whatever it recorded before it
hung, crashed, ran out of memory or called os._exit is kept.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iacqa.sandbox.outcome import Outcome

try:
    import psutil
except ImportError:  # pragma: no cover - psutil is a dependency; stay usable without it
    psutil = None


@dataclass
class Limits:
    timeout: float = 60.0
    memory_mb: int = 2048


class EventSink:
    """Append-only JSON lines; flushed per event so nothing is lost when the child dies."""

    def __init__(self, fd: int) -> None:
        self._fh = os.fdopen(fd, "w", buffering=1)

    def emit(self, event: dict[str, Any]) -> None:
        try:
            self._fh.write(json.dumps(event, default=repr) + "\n")
            self._fh.flush()
        except (OSError, ValueError):
            pass


_EXIT_ERROR = 3
_EXIT_MEMORY = 4
_STATUS = {0: "ok", _EXIT_ERROR: "error", _EXIT_MEMORY: "memory"}


def runner_exit(sink: EventSink, code: int) -> None:
    """Said by a runner right before it exits with `code`: an exit without it is the foreign code's own."""
    sink.emit({"kind": "runner-exit", "code": code, "status": _STATUS.get(code, "exit")})


def run_target(sink: EventSink, target: Callable[..., Any], /, *args: Any, **kwargs: Any) -> int:
    """Call the child's target and say how it ended on `sink` (done, memory, child-error); the exit code to use.
    Shared by the forked child and the interpreter child (pychild), which must report the same way."""
    try:
        target(*args, **kwargs)
        sink.emit({"kind": "done"})
        return 0
    except MemoryError:
        sink.emit({"kind": "memory"})
        return _EXIT_MEMORY
    except BaseException as exc:  # noqa: BLE001 - report anything the child raised
        sink.emit({"kind": "child-error", "error": f"{type(exc).__name__}: {exc}",
                   "traceback": traceback.format_exc(limit=20)})
        return _EXIT_ERROR


def run_forked(
    target: Callable[[EventSink], None],
    *,
    cwd: Path,
    env: dict[str, str],
    limits: Limits,
    sys_path: list[str] | None = None,
) -> Outcome:
    """Run target(sink) in a forked child with cwd/env/limits; never raises for what the child does."""
    from iacqa.sandbox.capture import Tail

    tmp = Path(tempfile.mkdtemp(prefix="iacqa-child-"))
    events_path = tmp / "events.jsonl"
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    base_vm = _vms()
    start = time.monotonic()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # child
        code = _EXIT_ERROR
        try:
            os.setsid()
            cap = base_vm + limits.memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            for fd in (out_r, err_r, out_w, err_w):
                os.close(fd)
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            sink = EventSink(os.open(events_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
            os.environ.clear()
            os.environ.update(env)
            os.chdir(cwd)
            if sys_path is not None:
                sys.path[:] = sys_path
            from iacqa.sandbox import netguard

            netguard.install()
            code = run_target(sink, target, sink)
            runner_exit(sink, code)
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    # parent
    os.close(out_w)
    os.close(err_w)
    out, err = Tail(out_r), Tail(err_r)
    status, exit_code, peak = "ok", None, 0.0
    deadline = start + limits.timeout
    proc = psutil.Process(pid) if psutil else None
    rusage = None
    while True:
        wpid, wstatus, rusage = os.wait4(pid, os.WNOHANG)
        if wpid == pid:
            break
        if proc is not None:
            try:
                rss = sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)])
                peak = max(peak, rss / 2**20)
                if rss > limits.memory_mb * 2**20:
                    status = "memory"
                    _kill(pid)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        if time.monotonic() > deadline:
            status = "timeout"
            _kill(pid)
        time.sleep(0.02)
    seconds = time.monotonic() - start
    _kill(pid)  # what the child left in its session
    out.finish()
    err.finish()
    if rusage is not None:
        peak = max(peak, rusage.ru_maxrss / 1024)
    o = Outcome(status, seconds=round(seconds, 3), peak_rss_mb=round(peak, 1), timed_out=status == "timeout",
                memory_exceeded=status == "memory", isolation=os.environ.get("IACQA_ISOLATION_USED", "process"))
    if os.WIFSIGNALED(wstatus):
        o.signal = os.WTERMSIG(wstatus)
    else:
        o.exit_code = exit_code = os.WEXITSTATUS(wstatus)
    o.events = read_events(events_path)
    if status == "ok":
        runner = next((e for e in reversed(o.events) if e.get("kind") == "runner-exit"), None)
        if o.signal is not None:
            o.status = "killed"
        elif runner is not None and runner.get("code") == exit_code:
            o.status = runner["status"]
        else:
            o.status = "exit"  # the code ended the process itself (os._exit) before finishing
    o.stdout, o.stderr = out.text(), err.text()
    o.stdout_bytes, o.stderr_bytes, o.stdout_dropped, o.stderr_dropped = out.total, err.total, out.dropped, err.dropped
    events_path.unlink(missing_ok=True)
    tmp.rmdir()
    from iacqa.sandbox import logs

    logs.record(f"forked child -> {o.status}", o.log_tail)
    return o


def _kill(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _vms() -> int:
    if psutil is not None:
        return psutil.Process().memory_info().vms
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def read_events(path: Path, offset: int = 0) -> list[dict[str, Any]]:
    """JSON lines written by a child, from byte `offset`; a line cut by a kill is skipped."""
    out = []
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            for line in fh:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    continue  # a line cut by a kill
    except OSError:
        pass
    return out


def tail(path: Path, limit: int = 20000) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    return data[-limit:].decode(errors="replace")
