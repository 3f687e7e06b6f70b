"""Emulated deployment: deploy the graph into an embedded AWS emulator, run every handler on realistic events,
follow the flow, report what fails (issue 5).

    run(graph, root, options, prompt=None) -> EmulationResult
    serve(graph, root, options) -> None          # `iacqa emulate PATH --serve`

`run` does its work in one sandboxed child (sandbox.run_python): the moto server (127.0.0.1, free port), the
deployment and the flow live there; each handler runs in a child of that child with the function's own limits. Options:
`endpoint_url` (deploy into a running AWS-compatible endpoint instead), `emulate_timeout` (whole stage, s),
`handler_timeout` (cap per handler run, s), `emulate_max_runs`, `emulate_max_hops`.
"""

from __future__ import annotations

import json
import pickle
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iacqa.model import Category, Finding, Options, ResourceGraph, Severity
from iacqa.sandbox import EventSink, Limits

__all__ = ["EmulationResult", "run", "serve"]


@dataclass
class EmulationResult:
    status: str  # ok | failed | unavailable | skipped
    detail: str
    findings: list[Finding] = field(default_factory=list)
    flows: list[dict[str, Any]] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    unchecked: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _finding_from(d: dict[str, Any]) -> Finding:
    d = dict(d)
    d.pop("fingerprint", None)
    d["category"] = Category(d["category"])
    d["severity"] = Severity(d["severity"])
    return Finding(**d)


def _emulate_child(sink: EventSink, graph: ResourceGraph, root: Path, options: Options,
                   prompt: str | None, workdir: Path) -> None:
    from iacqa.emulate import moto_backend
    from iacqa.emulate.checks import env_findings, package_findings
    from iacqa.emulate.deploy import deploy, outputs
    from iacqa.emulate.flow import Emulation

    t0 = time.monotonic()
    backend = moto_backend.start(options.endpoint_url)
    try:
        sink.emit({"kind": "backend", "url": backend.url, "embedded": backend.embedded,
                   "seconds": round(time.monotonic() - t0, 3)})
        dep = deploy(graph, backend, workdir)
        sink.emit({"kind": "deployed", "created": len(dep.created), "unchecked": dep.unchecked,
                   "functions": sorted(dep.functions), "seconds": round(time.monotonic() - t0, 3)})
        static: list[Finding] = []
        for rid, spec in list(dep.functions.items()):
            fn = graph.resources[rid]
            pkg = package_findings(graph, fn, root)
            static += pkg
            if pkg:
                spec.code_dir = None  # nothing to run
                continue
            static += env_findings(fn, spec.artifact, fn.get("Environment.Variables") or {})
        for f in static:
            sink.emit({"kind": "finding", "finding": f.to_dict()})
        em = Emulation(graph, dep, backend, prompt=prompt, options=options, root=root)
        static_fp = {f.fingerprint for f in static}
        n = 0
        try:
            em.run()
        finally:
            for f in em.findings:
                if f.fingerprint not in static_fp:
                    sink.emit({"kind": "finding", "finding": f.to_dict()})
                    n += 1
            sink.emit({"kind": "flows", "flows": em.trace, "notes": em.notes})
            sink.emit({"kind": "outputs", "outputs": outputs(graph, dep)})
    finally:
        backend.stop()


def _emulate_entry(sink: EventSink, inputs: str, workdir: str) -> None:
    """The emulator child's entry (sandbox.run_python): inputs come pickled by the parent, which wrote them."""
    import pickle

    with open(inputs, "rb") as fh:
        graph, root, options, prompt = pickle.load(fh)
    _emulate_child(sink, graph, Path(root), options, prompt, Path(workdir))


class _PlainPickler(pickle.Pickler):
    """Values decoded by cfn-lint are str/dict/list subclasses defined inside a function (they carry positions):
    they cannot be pickled by reference, and the emulator child needs only their plain value."""

    def reducer_override(self, obj: Any) -> Any:
        t = type(obj)
        if "<locals>" in getattr(t, "__qualname__", ""):
            for base in (str, bytes, dict, list, tuple, int, float):
                if isinstance(obj, base):
                    return base, (base(obj),)
        return NotImplemented


def _sandboxed(graph: ResourceGraph, root: Path, options: Any, prompt: str | None, work: Path,
               limits: Limits) -> Any:
    """The moto server, the deployment and every handler run in one sandbox (same network namespace: handlers
    reach the emulator on its loopback port and nothing else)."""
    from urllib.parse import urlparse

    from iacqa.sandbox import run_python

    (work / "run").mkdir()
    inp = work / "input.pickle"
    with open(inp, "wb") as fh:
        _PlainPickler(fh).dump((graph, str(root), options, prompt))
    url = urlparse(getattr(options, "endpoint_url", None) or "")
    ports = [url.port] if url.hostname in ("127.0.0.1", "localhost", "::1") and url.port else []
    from iacqa.toolchain import node as toolchain

    tc = toolchain.find()  # Node.js handlers run with the toolchain's AWS SDK v3 (emulate/node_runner.py)
    return run_python("iacqa.emulate:_emulate_entry", {"inputs": str(inp), "workdir": str(work / "run")},
                      project=root, timeout=limits.timeout, memory_mb=limits.memory_mb, copy=False, rlimit_as=False,
                      readable=[root, work, *([tc.root] if tc else [])], ports=ports, work=work / "run",
                      env_extra={"IACQA_NODE_HOME": str(tc.root.parent)} if tc else None)


def run(graph: ResourceGraph, root: Path, options: Options | Mapping[str, Any] | None = None,
        prompt: str | None = None) -> EmulationResult:
    options = Options.of(options)
    t0 = time.monotonic()
    if not any(True for _ in graph.functions()):
        return EmulationResult("skipped", "no Lambda functions in the graph")
    from iacqa.emulate import moto_backend

    why = moto_backend.available() if not options.endpoint_url else None
    if why:
        return EmulationResult("unavailable", f"emulator not available ({why}): pip install 'iacqa[emulate]'")
    # Import the heavy parts once in this process: the child and every handler run fork from it.
    import boto3  # noqa: F401
    import moto.server  # noqa: F401

    limits = Limits(timeout=float(options.emulate_timeout), memory_mb=int(options.emulate_memory_mb))
    with tempfile.TemporaryDirectory(prefix="iacqa-emulate-") as tmp:
        work = Path(tmp)
        outcome = _sandboxed(graph, Path(root), options, prompt, work, limits)
    res = EmulationResult("ok", "", seconds=round(time.monotonic() - t0, 3))
    for e in outcome.events:
        kind = e.get("kind")
        if kind == "finding":
            res.findings.append(_finding_from(e["finding"]))
        elif kind == "flows":
            res.flows = e["flows"]
            res.notes += e.get("notes", [])
        elif kind == "outputs":
            res.outputs = e["outputs"]
        elif kind == "deployed":
            res.unchecked = e["unchecked"]
    deployed = next((e for e in outcome.events if e.get("kind") == "deployed"), None)
    runs = len(res.flows)
    errors = sum(1 for h in res.flows if h.get("status") not in ("ok", "unchecked"))
    clean = sum(1 for h in res.flows if h.get("status") == "ok" and not h.get("findings"))
    if outcome.status != "ok":
        err = next((e.get("error") for e in outcome.events if e.get("kind") == "child-error"), None)
        res.status = "failed"
        res.detail = (f"emulation did not complete ({outcome.status}"
                      f"{': ' + str(err)[:300] if err else ''}); partial results kept")
        return res
    res.detail = (f"{deployed['created'] if deployed else 0} resources deployed, {len(res.unchecked)} unchecked; "
                  f"{runs} handler runs ({clean} clean, {errors} failed); {len(res.findings)} findings; "
                  f"{res.seconds:.1f}s")
    return res


def serve(graph: ResourceGraph, root: Path, options: Options | Mapping[str, Any] | None = None) -> None:
    """Deploy into the embedded emulator and keep it up on 127.0.0.1 until Ctrl-C."""
    import signal

    from iacqa.emulate import moto_backend
    from iacqa.emulate.deploy import deploy, outputs

    options = Options.of(options)
    # Ctrl-C must stop the emulator even when the parent started us with SIGINT ignored or blocked (both are
    # inherited across exec: a CI runner or a test process that masked it).
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    signal.signal(signal.SIGINT, signal.default_int_handler)
    backend = moto_backend.start(options.endpoint_url)
    try:
        with tempfile.TemporaryDirectory(prefix="iacqa-serve-") as tmp:
            dep = deploy(graph, backend, Path(tmp))
            flat = outputs(graph, dep)
            out_dir = Path(root) / "cfn-outputs"
            try:
                out_dir.mkdir(parents=True, exist_ok=True)
                (out_dir / "flat-outputs.json").write_text(json.dumps(flat, indent=2))
            except OSError:
                pass
            print(f"iacqa: emulator at {backend.url} ({len(dep.created)} resources deployed, "
                  f"{len(dep.unchecked)} unchecked)")
            for u in dep.unchecked:
                print(f"  unchecked: {u['resource']} ({u['type']}): {u['reason']}")
            print("export these to use it (AWS CLI, boto3, integration tests):")
            for k, v in backend.env().items():
                print(f"export {k}={v}")
            if flat:
                print(f"stack outputs ({out_dir / 'flat-outputs.json'}):")
                print(json.dumps(flat, indent=2))
            print("Ctrl-C to stop.", flush=True)
            stop = {"flag": False}

            def _stop(signum: int, frame: Any) -> None:
                stop["flag"] = True

            old = signal.signal(signal.SIGTERM, _stop)
            try:
                while not stop["flag"]:
                    time.sleep(0.5)
            except KeyboardInterrupt:
                pass
            finally:
                signal.signal(signal.SIGTERM, old)
    finally:
        # Bounded: a client that keeps a connection open must not keep the emulator (and the terminal) waiting.
        import threading

        stopper = threading.Thread(target=backend.stop, daemon=True)
        stopper.start()
        stopper.join(10)
        print("iacqa: emulator stopped.", flush=True)
