"""The Ray engine: the same jobs, budgets, retries and results file as the local engine, on a Ray cluster.

Each slot is a Ray actor (one CPU) that imports the SDKs once when it starts and then analyzes one job at a time;
the driver (the `iacqa batch` process) keeps the scheduling policy (scheduler.py), so a job that exceeds its
budget is ended by killing its actor, and a job whose actor died (a native crash, the node's memory monitor, a
lost node) is recorded and retried once on a fresh actor. Results come back to the driver, which appends each to
the one results file as it arrives.

Every node needs the same iacqa installation (with the platform extras) and either the task directories at the same
absolute path (a shared file system) or `--ship-tasks` (each job carries its task's files); see docs/batch.md.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from iacqa.batch.scheduler import Crash
from iacqa.batch.tasks import Job


class RayUnavailable(RuntimeError):
    """Ray is not installed (`pip install 'iacqa[ray]'`) or the cluster cannot be reached."""


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise RayUnavailable("the ray engine needs Ray: pip install 'iacqa[ray]'") from exc
    return ray


class _Analyzer:
    """The actor body (decorated with ray.remote when the engine starts, so importing this module needs no Ray)."""

    def __init__(self, options: Any, stages: tuple[str, ...] | None, markdown: bool) -> None:
        from iacqa.batch.worker import preload

        self.options, self.stages, self.markdown = options, stages, markdown
        preload()

    def run(self, task: str, response: str) -> dict[str, Any]:
        from iacqa.batch.worker import run_one

        return run_one(task, response, self.options, self.stages, self.markdown)

    def run_shipped(self, task: str, response: str, payload: bytes) -> dict[str, Any]:
        """Analyze a task whose files came with the job (no shared file system): unpacked into a private
        directory under the same name, analysed there, and reported under the driver's path."""
        return run_packed(task, response, payload, self.options, self.stages, self.markdown)


MAX_SHIPPED = 64 * 1024 * 1024  # a task is a few markdown files; anything near this is not a task


def pack(task: str) -> bytes:
    """The task directory as a gzipped tar (relative names, no links followed out of it)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        tar.add(task, arcname=Path(task).name, recursive=True,
                filter=lambda ti: None if ti.issym() or ti.islnk() else ti)
    data = buf.getvalue()
    if len(data) > MAX_SHIPPED:
        raise ValueError(f"{task} packs to {len(data) // 1024 // 1024} MB: too large to ship with the job")
    return data


def run_packed(task: str, response: str, payload: bytes, options: Any, stages: tuple[str, ...] | None,
               markdown: bool) -> dict[str, Any]:
    from iacqa.batch.worker import error_result, run_one

    tmp = tempfile.mkdtemp(prefix="iacqa-shipped-")
    try:
        with tarfile.open(fileobj=io.BytesIO(payload), mode="r:gz") as tar:
            tar.extractall(tmp, filter="data")  # no absolute names, no links out, no devices
        local = str(Path(tmp) / Path(task).name)
        data = run_one(local, response, options, stages, markdown)
        # every place the private copy shows up is the driver's task path again
        return json.loads(json.dumps(data).replace(json.dumps(local)[1:-1], json.dumps(task)[1:-1]))
    except (OSError, tarfile.TarError, ValueError, TypeError) as exc:  # TypeError: a Python without tar filters
        return error_result(task, response, f"internal error: the shipped task could not be unpacked: {exc}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class RaySlot:
    def __init__(self, actor_cls: Any, ray: Any, options: Any, stages: tuple[str, ...] | None, markdown: bool,
                 n: int, ship: bool = False) -> None:
        self.name = f"ray-{n}"
        self._ray = ray
        self.ship = ship
        self.actor = actor_cls.options(name=None, max_restarts=0, max_task_retries=0).remote(options, stages, markdown)
        self.ref: Any = None

    def submit(self, job: Job) -> None:
        if self.ship:
            self.ref = self.actor.run_shipped.remote(job[0], job[1], pack(job[0]))
        else:
            self.ref = self.actor.run.remote(job[0], job[1])

    def kill(self) -> None:
        try:
            self._ray.kill(self.actor, no_restart=True)
        except Exception:  # noqa: BLE001 - an actor already gone is what we wanted
            pass
        self.ref = None


class RayEngine:
    name = "ray"

    def __init__(self, address: str | None, workers: int | None = None, options: Any = None,
                 stages: tuple[str, ...] | None = None, markdown: bool = False, ship: bool = False) -> None:
        ray = _ray()
        self._ray = ray
        self.options, self.stages, self.markdown, self.ship = options, stages, markdown, ship
        if address and address != "auto":
            _reachable(address)
        try:
            if not ray.is_initialized():
                kwargs: dict[str, Any] = {"log_to_driver": False, "include_dashboard": False,
                                          "configure_logging": False}
                if address:
                    ray.init(address=address, **{k: v for k, v in kwargs.items() if k != "include_dashboard"})
                else:  # a private single-machine cluster on loopback, for trying the engine without a cluster
                    # Ray resolves 127.0.0.1 to the machine's routable address unless told it is not a cluster.
                    os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
                    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
                    ray.init(_node_ip_address="127.0.0.1", num_cpus=workers or None, **kwargs)
        except Exception as exc:  # noqa: BLE001 - an unreachable cluster is a usage error, said in one line
            raise RayUnavailable(f"cannot connect to the Ray cluster at {address or 'a new local one'}: "
                                 f"{type(exc).__name__}: {exc}") from exc
        self._owns = not address
        cpus = int(ray.cluster_resources().get("CPU", 1))
        # one actor per CPU at most: an actor the cluster cannot place would hold its job until the budget kills it
        self.workers = max(1, min(workers or cpus, cpus))
        self._actor_cls = ray.remote(num_cpus=1)(_Analyzer)
        self._n = 0

    def capacity(self) -> int:
        return self.workers

    def new_slot(self) -> RaySlot:
        self._n += 1
        return RaySlot(self._actor_cls, self._ray, self.options, self.stages, self.markdown, self._n, self.ship)

    def wait(self, busy: list[RaySlot], timeout: float) -> list[tuple[RaySlot, dict[str, Any] | Crash]]:
        by_ref = {s.ref: s for s in busy if s.ref is not None}
        if not by_ref:
            return []
        ready, _ = self._ray.wait(list(by_ref), num_returns=len(by_ref), timeout=timeout)
        out: list[tuple[RaySlot, dict[str, Any] | Crash]] = []
        for ref in ready:
            slot = by_ref[ref]
            slot.ref = None
            try:
                out.append((slot, self._ray.get(ref)))
            except Exception as exc:  # noqa: BLE001 - actor died, node lost, unpicklable result: the worker's failure
                out.append((slot, Crash(f"{slot.name}: {type(exc).__name__}: {_first_line(exc)}")))
        return out

    def shutdown(self, slots: list[RaySlot]) -> None:
        for s in slots:
            s.kill()
        if self._owns:
            try:
                self._ray.shutdown()
            except Exception:  # noqa: BLE001 - best effort at exit
                pass


def _reachable(address: str, timeout: float = 5.0) -> None:
    """Fail in seconds, with the reason, when the head's port does not answer (ray.init itself retries for
    minutes against a dead address)."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    try:
        socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=timeout).close()
    except (OSError, ValueError) as exc:
        raise RayUnavailable(f"cannot connect to the Ray cluster at {address}: {exc} (is `ray start --head` "
                             "running there?)") from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else ""
