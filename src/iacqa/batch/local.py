"""The local engine: N worker processes on this machine, each importing the SDKs once and analyzing one job at a
time over a pipe.

Workers are started with the `spawn` method (a clean interpreter: no state copied from the parent) and put in a
session of their own, so the terminal's Ctrl-C reaches only the parent, which then ends every worker and all its
descendants itself (the programs iacqa runs sit in their own sessions too, which a process-group signal would
miss). A worker is ended with SIGTERM, then SIGKILL after a short grace; the whole batch ends within seconds.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from typing import Any

import psutil

from iacqa.batch.scheduler import Crash
from iacqa.batch.tasks import Job


def _serve(conn: Connection, options: Any, stages: tuple[str, ...] | None, markdown: bool,
           runner: Callable[..., dict[str, Any]] | None = None) -> None:
    """Worker main: own session, SIGINT ignored (the parent decides), SDKs preloaded, then one job per message.
    `runner` replaces run_one (tests use it to make a worker crash or hang)."""
    try:
        os.setsid()
    except OSError:
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from iacqa.batch.worker import preload, run_one

    if runner is None:
        preload()
    run = runner or run_one
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        conn.send(run(job[0], job[1], options, stages, markdown))


def kill_trees(pids: list[int], grace: float = 1.0) -> None:
    """End processes and every descendant: the trees are collected before the first signal (while still linked),
    all get SIGTERM at once, and whatever is left after `grace` seconds gets SIGKILL."""
    procs: dict[int, psutil.Process] = {}
    for pid in pids:
        try:
            root = psutil.Process(pid)
            for p in (root, *root.children(recursive=True)):
                procs[p.pid] = p
        except psutil.Error:
            continue
    for p in procs.values():
        try:
            p.send_signal(signal.SIGTERM)
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(list(procs.values()), timeout=grace)
    for p in alive:
        try:
            p.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=grace)


class LocalSlot:
    def __init__(self, ctx: Any, options: Any, stages: tuple[str, ...] | None, markdown: bool, n: int,
                 runner: Callable[..., dict[str, Any]] | None = None) -> None:
        self.name = f"local-{n}"
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, options, stages, markdown, runner),
                                name=f"iacqa-{self.name}", daemon=True)
        self.proc.start()
        child.close()

    def submit(self, job: Job) -> None:
        self.conn.send(job)

    def kill(self) -> None:
        if self.proc.pid is not None:
            kill_trees([self.proc.pid])
        self.proc.join(timeout=1.0)
        self.conn.close()


class LocalEngine:
    name = "local"

    def __init__(self, workers: int, options: Any = None, stages: tuple[str, ...] | None = None,
                 markdown: bool = False, runner: Callable[..., dict[str, Any]] | None = None) -> None:
        self.workers = max(1, workers)
        self.options, self.stages, self.markdown, self.runner = options, stages, markdown, runner
        self._ctx = multiprocessing.get_context("spawn")
        self._n = 0

    def capacity(self) -> int:
        return self.workers

    def new_slot(self) -> LocalSlot:
        self._n += 1
        return LocalSlot(self._ctx, self.options, self.stages, self.markdown, self._n, self.runner)

    def wait(self, busy: list[LocalSlot], timeout: float) -> list[tuple[LocalSlot, dict[str, Any] | Crash]]:
        by_handle: dict[Any, LocalSlot] = {}
        for s in busy:
            by_handle[s.conn] = s
            by_handle[s.proc.sentinel] = s
        out: dict[int, tuple[LocalSlot, dict[str, Any] | Crash]] = {}
        for ready in wait(list(by_handle), timeout=timeout):
            slot = by_handle[ready]
            if id(slot) in out:
                continue
            out[id(slot)] = (slot, self._receive(slot))
        return list(out.values())

    @staticmethod
    def _receive(slot: LocalSlot) -> dict[str, Any] | Crash:
        try:
            if slot.conn.poll():
                return slot.conn.recv()
        except (EOFError, OSError):
            pass  # the worker is gone: its exit status below says how
        except Exception as exc:  # noqa: BLE001 - an unpicklable answer is the worker's failure, not the batch's
            return Crash(f"unreadable answer from {slot.name}: {type(exc).__name__}: {exc}")
        slot.proc.join(timeout=2.0)
        code = slot.proc.exitcode
        if code is not None and code < 0:
            try:
                sig = signal.Signals(-code).name
            except ValueError:
                sig = str(-code)
            return Crash(f"{slot.name} was killed by {sig} (a native crash or the machine's memory limit)")
        return Crash(f"{slot.name} exited with code {code}")

    def shutdown(self, slots: list[LocalSlot]) -> None:
        """Ask idle workers to stop, then end every worker tree still there (busy ones included) at once: the
        whole batch is gone within about three seconds, however many workers there are."""
        for s in slots:
            try:
                s.conn.send(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 1.0
        for s in slots:
            s.proc.join(timeout=max(0.0, deadline - time.monotonic()))
        kill_trees([s.proc.pid for s in slots if s.proc.pid is not None and s.proc.exitcode is None])
        for s in slots:
            s.proc.join(timeout=0.5)
            s.conn.close()
