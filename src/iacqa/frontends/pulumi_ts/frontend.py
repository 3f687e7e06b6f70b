"""Pulumi (TypeScript/JavaScript) -> ResourceGraph: tsc against @pulumi/aws's types, then the program under
Pulumi's Node.js mock runtime in the sandbox, its registrations mapped exactly as the Python front end maps them.

The mock answers (ids, ARNs, URLs, data sources) come from `frontends/identity.py` through a unix socket served
here, so a queue URL or a table stream ARN has the same shape whichever language declared it; the registrations
then go through `PulumiFrontend._graph` (the Pulumi type map into CloudFormation vocabulary). Each resource is
located at its `new aws.x.Y('name', {...})` line (recorded from the stack when the constructor registers it,
source-mapped to .ts) and its props at their own lines (the TypeScript parser's sites scan).
"""

from __future__ import annotations

import json
import os
import re
import socketserver
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from iacqa.frontends.base import FrontendResult
from iacqa.frontends.cdk_ts.frontend import _camel_native, build_in_workspace
from iacqa.frontends.node import program, sites
from iacqa.frontends.node.keep_going import blocking_error as keep_going_blocking
from iacqa.frontends.node.keep_going import keep_going
from iacqa.frontends.node.workspace import Workspace
from iacqa.model import Finding, Location, Options, ResourceGraph

TAP_DEFAULTS = {"environmentSuffix": "dev", "env": "dev", "environment": "dev", "environment_suffix": "dev"}


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        try:
            self._answer()
        except (ConnectionResetError, BrokenPipeError):
            pass  # the program ended (threw, exited, was killed) with questions in flight: nobody is left to answer

    def _answer(self) -> None:
        from iacqa.frontends import identity

        for raw in self.rfile:
            try:
                msg = json.loads(raw)
                if msg.get("op") == "resource":
                    rid, state = identity.outputs_for(msg.get("type", ""), msg.get("name", ""),
                                                      msg.get("inputs") or {})
                    result: Any = {"id": rid, "state": state}
                else:
                    result = identity.invoke(msg.get("token", ""), msg.get("args") or {})
            except Exception as exc:  # noqa: BLE001 - a bad answer must not hang the program
                result = {"error": str(exc)}
                msg = msg if isinstance(msg, dict) else {}
            self.wfile.write((json.dumps({"rid": msg.get("rid"), "result": result}, default=str) + "\n").encode())
            self.wfile.flush()


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def project_name(root: Path) -> str:
    import re

    try:
        m = re.search(r"^name:\s*(\S+)", (root / "Pulumi.yaml").read_text(errors="replace"), re.M)
    except OSError:
        m = None
    return m.group(1).strip("'\"") if m else "TapStack"


def config_for(root: Path, project: str) -> dict[str, str]:
    cfg = {f"{project}:{k}": v for k, v in TAP_DEFAULTS.items()}
    cfg["aws:region"] = "us-east-1"
    try:
        from iacqa.sandbox.safeload import load_yaml  # an alias bomb is refused, not expanded

        data = load_yaml((root / "Pulumi.dev.yaml").read_text()) or {}
        for k, v in (data.get("config") or {}).items():
            key = k if ":" in k else f"{project}:{k}"
            cfg[key] = v if isinstance(v, str) else json.dumps(v)
    except Exception:  # noqa: BLE001 - no stack file: TAP defaults only
        pass
    return cfg


# What a stub itself makes the Pulumi runtime or the program say: the continuation's limit, not the program's.
_STUB_ARTIFACT = re.compile(r"iacqa_stub|<unresolved stub>")


def _completed(run: program.ProgramRun) -> bool:
    """The program ran to its end: no uncaught exception or rejection stopped it (keep-going's stop test)."""
    return run.status == "ok" and not keep_going_blocking(run)


class PulumiTsFrontend:
    platform = "pulumi"

    def build(self, project: Any, options: Options | Mapping[str, Any] | None = None) -> FrontendResult:
        # The program always runs (the Pulumi front end has no synth switch).
        return build_in_workspace(project, "pulumi", options, self._run,
                                  "no Pulumi program to run (Pulumi.yaml main, bin/tap.ts or index.ts)", synth=False)

    def _run(self, ws: Workspace, entry: str, records: list[dict], findings: list[Finding], detail: str,
             options: Options, graph: ResourceGraph) -> FrontendResult:
        own = set(ws.files) - set(ws.added)
        from iacqa.frontends.pulumi_ts import deprecated  # SDK007: @deprecated APIs of the toolchain's @pulumi/aws

        findings = findings + deprecated.check(ws.root, [r for r in records if r.get("file") in own], sorted(own))
        name = project_name(ws.root)
        sock_dir = Path(tempfile.mkdtemp(prefix="iacqa-psock-", dir=ws.root.parent))
        sock = sock_dir / "s"
        server = _Server(str(sock), _Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        timeout, memory = options.limits(60, 2048)
        events_file = ws.root.parent / "events.jsonl"
        env = {"IACQA_PULUMI_OUT": str(events_file), "IACQA_PULUMI_SOCK": str(sock),
               "IACQA_PULUMI_PROJECT": name, "IACQA_PULUMI_STACK": "dev",
               "PULUMI_CONFIG": json.dumps(config_for(ws.root, name)), "PULUMI_NODEJS_PROJECT": name,
               "PULUMI_NODEJS_STACK": "dev"}
        t0 = time.monotonic()
        harness = os.fspath(Path(program.noderun.script("pulumi_harness.js")))

        def rerun() -> program.ProgramRun:
            return program.run_program(ws, entry, env, timeout, memory, main_script=harness)

        try:
            run = rerun()
            findings = findings + program.findings(run, ws, own, entry, "pulumi preview", timeout, memory, findings)
            detail += program.missing_note(run)
            # past a run-time error in the project's own code, with that statement stubbed (as for CDK/CDKTF)
            run, findings, stubbed, revealed = keep_going(ws, entry, own, run, findings, rerun, _completed,
                                                          "pulumi preview", timeout, memory, flavour="pulumi",
                                                          artifact=_STUB_ARTIFACT)
        finally:
            server.shutdown()
            server.server_close()
        if stubbed:
            graph.revealed_by = revealed
            detail += f"; program run again with {stubbed} statement(s) that threw stubbed"
        events = self._events(run.events, ws, own)
        from iacqa.frontends.pulumi_py.frontend import PulumiFrontend, unresolved_note

        PulumiFrontend()._graph(events, ws.root, graph)
        self._locate(graph, records)
        _camel_native(graph)
        errors = [e for e in run.events if e.get("kind") in ("exception", "rejection", "exit", "network")]
        n = len([r for r in graph if r.mapped])
        detail += (f"; program {run.status} under mocks via {entry} in {time.monotonic() - t0:.1f} s, peak "
                   f"{run.peak_mb:.0f} MB ({run.isolation}); {len(graph)} resources ({n} mapped)")
        failed = run.status != "ok" or bool(errors) or any(f.severity.value == "critical" for f in findings)
        if errors:
            detail += "; program did not complete, graph is partial"
        detail += unresolved_note(graph)
        return FrontendResult(graph, findings, "failed" if failed else "ok", detail)

    @staticmethod
    def _events(raw: list[dict], ws: Workspace, own: set[str]) -> list[dict]:
        """Harness records -> the event shapes PulumiFrontend._graph reads (site file/line in project terms)."""
        out = []
        for e in raw:
            if e.get("kind") == "site":
                loc = program.project_frame(ws, e.get("frames") or [], own)
                out.append({**e, "file": loc.file if loc else None, "line": loc.line if loc else None})
            elif e.get("kind") in ("resource", "output"):
                out.append(e)
        return out

    @staticmethod
    def _locate(graph: ResourceGraph, records: list[dict]) -> None:
        """Props at their lines: the sites scan of the `new X('name', {...})` call at the resource's line."""
        by_line = {(r["file"], r["line"]): r for r in records}
        site_list = {(s.location.file, s.location.line): s for s in sites.to_sites(records, 0)}
        for res in graph:
            loc = res.location
            if not loc or not loc.file:
                continue
            site = site_list.get((loc.file, loc.line))
            if site is None:
                # the constructor call may start on an earlier line than the frame (multi-line `new`)
                cands = [r for (f, ln), r in by_line.items() if f == loc.file and ln <= (loc.line or 0)
                         <= r.get("endLine", ln)]
                if cands:
                    best = max(cands, key=lambda r: r["line"])
                    site = site_list.get((best["file"], best["line"]))
                    if site is not None:
                        res.location = Location(loc.file, best["line"], best.get("endLine"))
            if site is not None:
                res.attr_locations = dict(site.keywords)
