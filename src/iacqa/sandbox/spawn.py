"""One way to run foreign code: `spawn(argv, ...)` -> Outcome, for every child (Pulumi program, CDK/CDKTF synth,
the emulator and the Lambda handlers it runs, the project's tests) and everything they start.

Under namespaces (bubblewrap works here) the child runs in the sandbox `bwrap.command` describes; otherwise in its
own session with the process-level guard (`_child/sitecustomize`: audit-hook write guard, loopback-only sockets,
no /proc of other processes, RLIMIT_AS) and a sweep that kills whatever it left running. In both modes the parent
enforces the wall-clock limit and the memory limit over the whole tree's RSS, reads stdout/stderr through capped
pipes, and kills everything on Ctrl-C.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

from iacqa.sandbox import budget, bwrap, logs, policy
from iacqa.sandbox.capture import KEEP_BYTES, Tail
from iacqa.sandbox.child import read_events
from iacqa.sandbox.outcome import Outcome

try:
    import psutil
except ImportError:  # pragma: no cover - psutil is a dependency
    psutil = None

GUARD_DIR = Path(__file__).resolve().parent / "_child"
SPAWN_ID = "IACQA_SPAWN_ID"


def spawn(argv: Sequence[str], *, cwd: Path, env: dict[str, str], timeout: float, memory_mb: float,
          writable: Iterable[Path] = (), readable: Iterable[Path] = (), binds: Iterable[tuple[Path, Path]] = (),
          events: Path | None = None, events_offset: int = 0, ports: Iterable[int] = (), work: Path | None = None,
          expect_runner: bool = False, isolation: str | None = None, keep_bytes: int = KEEP_BYTES,
          tail_chars: int = 20000, interval: float = 0.05) -> Outcome:
    """Run argv and watch it; never raises for what the child does (IsolationRefused under --isolation strict).

    writable: the only directories the child may write (bound read-write under namespaces, the guard's roots
    otherwise); binds: (copy, original) pairs, the copy shown at the original's path under namespaces;
    events: the JSON-lines file the child reports through; ports: parent loopback ports the child must reach
    (the emulator), forwarded through unix sockets into the network namespace; expect_runner: the child is one
    of iacqa's runners, which report a `runner-exit` event, so an exit without it is the foreign code's own.
    """
    iso = isolation or policy.effective()
    timeout = budget.clamp(timeout)  # never past the task's --timeout-total
    writable = [Path(p) for p in writable]
    binds = [(Path(s), Path(d)) for s, d in binds]
    ports = list(ports)
    env = dict(env)
    token = uuid.uuid4().hex
    env[SPAWN_ID] = token
    env["IACQA_ISOLATION_USED"] = iso
    # The guard judges paths as the child sees them: under namespaces a bound copy is seen at its destination (the
    # project's own path), so that is where the child may write; without namespaces, at the copy itself.
    guard_roots = [*writable, *((d if iso == "namespaces" else s) for s, d in binds)]
    env["IACQA_ALLOW_PORTS"] = ",".join(str(p) for p in ports)
    if guard_roots:
        env["IACQA_PORTS_FILE"] = str(Path(guard_roots[0]) / f".iacqa-ports-{token[:8]}")
    env.setdefault("IACQA_SANDBOX_ROOT", os.pathsep.join(str(p) for p in guard_roots) or str(cwd))
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys([str(GUARD_DIR), *filter(None, env.get("PYTHONPATH", "")
                                                                                   .split(os.pathsep))]))
    cmd = list(argv)
    forwarders = []
    cleanup: list[Path] = []
    status_file = None
    if iso == "namespaces":
        sock_dir = Path(tempfile.mkdtemp(prefix="iq-", dir="/tmp"))  # unix socket paths: 107 bytes at most
        cleanup.append(sock_dir)
        status_file = sock_dir / "status"
        specs = ["--status", str(status_file)]
        if ports:
            from iacqa.sandbox import forward

            for port in ports:
                fw = forward.UnixToTcp(sock_dir / f"port-{port}.sock", port)
                forwarders.append(fw)
                specs += ["--forward", f"{port}={fw.path}"]
        cmd = [sys.executable, "-S", str(Path(__file__).with_name("inner.py")), *specs, "--", *cmd]
        writable = [*writable, sock_dir]
        cmd = bwrap.command(cmd, cwd=cwd, writable=writable, readable=readable, binds=binds,
                            bwrap=bwrap.find() or "bwrap")
    elif landlock_abi() > 0:
        # No namespaces, but Landlock: writes outside the writable directories are refused by the kernel for the
        # whole tree (shells and native code included), not only by the Python guard.
        rw = [a for p in dict.fromkeys(str(x) for x in guard_roots) for a in ("--rw", p)]
        cmd = [sys.executable, "-S", str(Path(__file__).with_name("landlock.py")), *rw, "--", *cmd]
    start = time.monotonic()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    try:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out_w, stderr=err_w,
                                start_new_session=True, close_fds=True)
    except OSError as exc:
        for fd in (out_r, out_w, err_r, err_w):
            os.close(fd)
        for fw in forwarders:
            fw.close()
        for d in cleanup:
            shutil.rmtree(d, ignore_errors=True)
        return Outcome("start-failed", isolation=iso, detail=f"could not start {Path(argv[0]).name}: {exc}")
    os.close(out_w)
    os.close(err_w)
    out, err = Tail(out_r, keep_bytes), Tail(err_r, keep_bytes)
    _LIVE[proc.pid] = token
    status, peak, wstatus, rusage = "ok", 0.0, None, None
    try:
        ps = _ps(proc.pid)
        deadline = start + timeout
        while True:
            wpid, wstatus, rusage = os.wait4(proc.pid, os.WNOHANG)
            if wpid == proc.pid:
                break
            rss = _tree_rss(ps)
            peak = max(peak, rss / 2**20)
            if rss > memory_mb * 2**20:
                status = "memory"
                break
            if time.monotonic() > deadline:
                status = "timeout"
                break
            time.sleep(interval)
    finally:
        _kill(proc.pid, token, sweep=iso != "namespaces")
        if wstatus is None or status != "ok":
            _, wstatus, rusage = os.wait4(proc.pid, 0)
        proc.returncode = 0  # reaped here: keep Popen from waiting on it again
        _LIVE.pop(proc.pid, None)
        for fw in forwarders:
            fw.close()
        status_text = _read_status(status_file)
        for d in cleanup:
            shutil.rmtree(d, ignore_errors=True)
    out.finish()
    err.finish()
    seconds = time.monotonic() - start
    if rusage is not None:
        peak = max(peak, rusage.ru_maxrss / 1024)
    o = Outcome(status, isolation=iso, seconds=round(seconds, 3), peak_rss_mb=round(peak, 1),
                timed_out=status == "timeout", memory_exceeded=status == "memory")
    if os.WIFSIGNALED(wstatus):
        o.signal = os.WTERMSIG(wstatus)
    else:
        o.exit_code = os.WEXITSTATUS(wstatus)
    if status_text and status == "ok":  # how the command itself ended, not bwrap's 128+N
        how, _, num = status_text.partition(" ")
        if how == "signal" and num.isdigit():
            o.signal, o.exit_code = int(num), None
        elif how == "exit" and num.isdigit():
            o.signal, o.exit_code = None, int(num)
    o.events = read_events(events, events_offset) if events is not None else []
    o.stdout, o.stderr = out.text(tail_chars), err.text(tail_chars)
    o.stdout_bytes, o.stderr_bytes = out.total, err.total
    o.stdout_dropped, o.stderr_dropped = out.dropped, err.dropped
    if status == "ok":
        o.status = _status(o, expect_runner)
    if status == "ok" and iso == "namespaces" and o.exit_code in (1, 2) and not o.events and \
            o.stderr.startswith("bwrap:"):
        o.status, o.detail = "start-failed", o.stderr.strip()[:300]
    logs.record(f"{Path(argv[0]).name} {' '.join(argv[1:3])}"[:120] + f" -> {o.status}", o.log_tail)
    return o


@functools.lru_cache(maxsize=1)
def landlock_abi() -> int:
    """Landlock ABI of this kernel (0: unavailable, or IACQA_LANDLOCK=0 to disable it)."""
    if os.environ.get("IACQA_LANDLOCK") == "0":
        return 0
    from iacqa.sandbox import landlock

    return landlock.abi()


def _read_status(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def _status(o: Outcome, expect_runner: bool) -> str:
    if o.signal is not None:
        return "killed"
    runner = next((e for e in reversed(o.events) if e.get("kind") == "runner-exit"), None)
    if runner is not None and runner.get("code") == o.exit_code:
        return str(runner.get("status") or "ok")
    if expect_runner:
        return "exit"  # the foreign code ended the process itself (os._exit, sys.exit from a thread...)
    return "ok" if o.exit_code == 0 else "exit"


# -- killing -----------------------------------------------------------------------------------------------------
_LIVE: dict[int, str] = {}  # pid -> spawn token of the children running now


def kill_all() -> None:
    """Ctrl-C / shutdown: end every child still running (their sandboxes go with them)."""
    for pid, token in list(_LIVE.items()):
        _kill(pid, token, sweep=True)


def _kill(pid: int, token: str, sweep: bool) -> None:
    """The session first (bwrap takes its PID namespace down with it), then whatever escaped the session:
    descendants still attached, and processes carrying this spawn's token (setsid + double fork)."""
    victims = []
    if psutil is not None:
        try:
            victims = psutil.Process(pid).children(recursive=True)
        except psutil.Error:
            victims = []
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for v in victims:
        try:
            v.kill()
        except psutil.Error:
            pass
    if sweep and psutil is not None:
        _sweep(token)


def _sweep(token: str) -> None:
    me = os.getpid()
    for p in psutil.process_iter(["pid"]):
        if p.pid == me:
            continue
        try:
            if p.environ().get(SPAWN_ID) == token:
                p.kill()
        except (psutil.Error, OSError):
            continue


def _ps(pid: int):  # noqa: ANN202
    if psutil is None:
        return None
    try:
        return psutil.Process(pid)
    except psutil.Error:
        return None


def _tree_rss(ps: object) -> int:
    if ps is None:
        return 0
    total = 0
    try:
        procs = [ps, *ps.children(recursive=True)]  # type: ignore[attr-defined]
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            continue
    return total


def install_interrupt_cleanup() -> None:
    """Make SIGTERM behave like Ctrl-C (KeyboardInterrupt unwinds through spawn's cleanup)."""
    def _term(signum: int, frame: object) -> None:
        kill_all()
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, _term)
    except ValueError:  # not the main thread
        pass
