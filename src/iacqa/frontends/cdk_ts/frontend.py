"""AWS CDK (TypeScript/JavaScript) -> ResourceGraph: tsc against aws-cdk-lib's types, synth in the sandbox, then
the shared CloudFormation path.

1. the project is copied beside the toolchain's node_modules (frontends/node/workspace.py);
2. `tsc --noEmit --skipLibCheck` (frontends/node/tsc.py): every diagnostic at its .ts line, SDK ones as sdk-api;
3. synth: the app (cdk.json "app" script, else bin/tap.ts) runs under ts-node transpile-only, as `cdk synth`
   would, with CDK_OUTDIR/CDK_CONTEXT_JSON set as the CLI sets them; synth runs even when tsc found errors
   (transpiling ignores types), so the graph shows what deploy meets next;
4. every `*.template.json` goes through `cloudformation.graph` (the CDK Python front end's build_graph), located
   back to the `new X(this, 'id', {...})` calls and their props by construct id.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from iacqa.frontends.base import FrontendResult
from iacqa.frontends.node import program, sites
from iacqa.frontends.node.workspace import Workspace, entry_script, prepare
from iacqa.model import Finding, Location, Options, ResourceGraph, Severity
from iacqa.sandbox.env import FAKE_ACCOUNT, REGION
from iacqa.toolchain import node as toolchain


def language_of(project: Any) -> str:
    lang = getattr(project, "language", "") or ""
    if lang in ("ts", "js"):
        return lang
    files = list(getattr(project, "files", []) or [])
    return "ts" if any(f.endswith(".ts") for f in files) else "js"


def static_phase(project: Any, platform: str, options: Options) -> tuple[Workspace | None, list[dict], list[Finding],
                                                                       str, str | None]:
    """Shared by the three TS front ends: workspace, sites, tsc findings, a detail line; (None, ...) when the
    toolchain is missing (the reason is the last item)."""
    tc = toolchain.find()
    if tc is None:
        return None, [], [], "", toolchain.unavailable_reason()
    lang = language_of(project)
    ws = prepare(Path(project.root), tc, platform, lang)
    own = set(ws.files) - set(ws.added)
    src = [f for f in ws.files if not f.startswith(("test/", "tests/"))]
    records = sites.raw_sites(ws.root, src)
    findings: list[Finding] = []
    detail = ""
    if lang == "ts" and options.tsc:
        from iacqa.frontends.node import tsc

        res = tsc.check(ws.root, tc.node_modules, timeout=float(options.timeout or 180))
        test_records = sites.raw_sites(ws.root, [f for f in ws.files if f.startswith(("test/", "tests/"))])
        findings = tsc.findings(res, ws.root, records + test_records, own, declared_modules=_declared(),
                                installed=set(tc.versions) | _installed(tc))
        detail = res.detail or f"tsc {res.status}"
    elif lang == "js":
        detail = "JavaScript: no type check (the pipeline builds only TypeScript)"
    if ws.notes:
        detail += ("; " if detail else "") + "; ".join(ws.notes)
    return ws, records, findings, detail, None


def build_in_workspace(project: Any, platform: str, options: Options | Mapping[str, Any] | None,
                       step: Callable[[Workspace, str, list[dict], list[Finding], str, Options, ResourceGraph],
                                      FrontendResult], no_entry: str, synth: bool = True) -> FrontendResult:
    """Shared by the three TS front ends' `build`: the static phase, the entry script (`no_entry` says what is
    missing when there is none), then `step(ws, entry, records, findings, detail, options, graph)` while the
    workspace exists (removed after). "unavailable" without the Node toolchain; with `synth`, the step only runs
    when `options.synth` asks for it."""
    options = Options.of(options)
    graph = ResourceGraph(platform=platform)
    ws, records, findings, detail, missing = static_phase(project, platform, options)
    if ws is None:
        return FrontendResult(graph, status="unavailable", detail=missing or "")
    try:
        entry = entry_script(ws.root, platform)
        if entry is None:
            return FrontendResult(graph, findings, "failed", f"{detail}; {no_entry}")
        findings = _unreached(findings, ws.root, entry)
        if synth and not options.synth:
            return FrontendResult(graph, findings, "ok", detail + "; synth not requested")
        return step(ws, entry, records, findings, detail, options, graph)
    finally:
        ws.cleanup()


def _unreached(findings: list[Finding], root: Path, entry: str) -> list[Finding]:
    """A compile error in a file the entry never imports does not stop `pulumi up`/`cdk synth`/`cdktf synth`; it
    fails only a build that compiles every file (the TAP pipeline's `npm run build`): high, not critical."""
    if not any(f.severity is Severity.CRITICAL and f.rule.startswith("TSC") for f in findings):
        return findings
    from iacqa.toolchain.reach import reachable

    seen = reachable(root, entry)
    if not seen:
        return findings
    out = []
    for f in findings:
        if f.severity is Severity.CRITICAL and f.rule.startswith("TSC") and f.file and f.file not in seen:
            f = f.with_(severity=Severity.HIGH, message=(
                f"{f.message} (in a file the entry {entry} never imports: the deploy runs without it; a build that "
                "compiles every file, such as `tsc` over lib/ and bin/, fails here)"),
                extra={**f.extra, "unreached_from": entry})
        out.append(f)
    return out


def _declared() -> set[str]:
    """Packages the TAP scaffold's package.json declares (the pipeline installs them; iacqa may not)."""
    from iacqa.toolchain.scaffold import DECLARED

    return set(DECLARED)


def _installed(tc: toolchain.Toolchain) -> set[str]:
    out = set()
    nm = tc.node_modules
    try:
        for p in nm.iterdir():
            if p.name.startswith("@"):
                out.update(f"{p.name}/{q.name}" for q in p.iterdir())
            else:
                out.add(p.name)
    except OSError:
        pass
    return out


class CdkTsFrontend:
    platform = "cdk"

    def build(self, project: Any, options: Options | Mapping[str, Any] | None = None) -> FrontendResult:
        return build_in_workspace(project, "cdk", options, functools.partial(self._synth, project),
                                  "no CDK app to run (cdk.json \"app\", bin/tap.ts or bin/tap.mjs)")

    def _synth(self, project: Any, ws: Workspace, entry: str, records: list[dict], findings: list[Finding],
               detail: str, options: Options, graph: ResourceGraph) -> FrontendResult:
        own = set(ws.files) - set(ws.added)
        from iacqa.frontends.cdk_py.synth import annotations, context_for
        from iacqa.frontends.cdk_ts import deprecated

        findings = findings + deprecated.check(ws.root, [r for r in records if r.get("file") in own], sorted(own))

        outdir = ws.root.parent / "cdk.out"
        env = {"CDK_OUTDIR": str(outdir), "CDK_CONTEXT_JSON": json.dumps(context_for(ws.root)),
               "CDK_DEFAULT_ACCOUNT": FAKE_ACCOUNT, "CDK_DEFAULT_REGION": REGION, "CDK_DEBUG": "true"}
        timeout, memory = options.limits(120, 3072)
        t0 = time.monotonic()
        run = program.run_program(ws, entry, env, timeout, memory)
        findings = findings + program.findings(run, ws, own, entry, "cdk synth", timeout, memory, findings)
        detail += program.missing_note(run)
        run, findings, stubbed, revealed = _keep_going(ws, entry, env, timeout, memory, own, run, findings, outdir)
        if stubbed:
            graph.revealed_by = revealed
            detail += f"; synth run again with {stubbed} statement(s) that threw stubbed"
        templates = []
        for p in sorted(outdir.rglob("*.template.json")) if outdir.is_dir() else []:
            try:
                templates.append((p, json.loads(p.read_text())))
            except (OSError, ValueError):
                continue
        ann = annotations(outdir) if outdir.is_dir() else []
        findings += _annotation_findings(ann, sites.to_sites(records, 1), entry)
        status = "ok" if run.status == "ok" and templates else "failed"
        if run.status == "ok" and not templates:
            from iacqa.catalog.typescript import NodeProgramError

            findings.append(NodeProgramError.finding(
                f"`cdk synth` runs {entry} to the end but the app declares no stack: there is nothing to deploy "
                "(`This app contains no stacks`)", location=Location(entry if entry in own else None, None),
                error="This app contains no stacks",
                fix=f"create the stack in {entry}: `const app = new cdk.App(); new TapStack(app, "
                "`TapStack${environmentSuffix}`, {...})` (the stack class must be imported from lib/)"))
        detail += (f"; synth {run.status} via {entry} in {time.monotonic() - t0:.1f} s, peak {run.peak_mb:.0f} MB "
                   f"({run.isolation}); {len(templates)} template(s)")
        if templates:
            try:
                self._graph(graph, templates, ws, records)
            except Exception as exc:  # noqa: BLE001 - a graph bug must not lose the tsc findings
                graph.notes.append(f"graph from the CDK templates failed: {type(exc).__name__}: {exc}")
                status = "error"
            detail += f", {len(graph)} resources"
        if any(f.severity.value == "critical" for f in findings) and status == "ok":
            status = "failed"
        graph.notes.extend(f"CDK warning at {a['path']}: {a['message']}" for a in ann if a.get("level") == "warning")
        return FrontendResult(graph, findings, status, detail)

    def _graph(self, graph: ResourceGraph, templates: list[tuple[Path, dict]], ws: Workspace,
               records: list[dict]) -> None:
        from iacqa.frontends.cdk_py.frontend import build_graph

        locator = TsLocator(ws.root, [t for _, t in templates], sites.to_sites(records, 1))
        build_graph(graph, templates, ws.root, ws.files, locator)
        _camel_native(graph)


def _keep_going(ws: Workspace, entry: str, env: dict[str, str], timeout: float, memory: int, own: set[str],
                run: Any, findings: list[Finding], outdir: Path, pattern: str = "*.template.json",
                tool: str = "cdk synth") -> tuple[Any, list[Finding], int, str | None]:
    """As for CDK Python: while the app throws in the project's own code before any template is written, stub that
    statement in the analysis copy and run it again (frontends/node/keep_going.py), so the graph holds what the
    app declares once those lines are fixed; each later error is `revealed_by` the one before it."""
    from iacqa.frontends.node.keep_going import keep_going

    def done(r: Any) -> bool:
        return r.status == "ok" or (outdir.is_dir() and any(outdir.rglob(pattern)))

    return keep_going(ws, entry, own, run, findings, lambda: program.run_program(ws, entry, env, timeout, memory),
                      done, tool, timeout, memory)


def _annotation_findings(ann: list[dict], site_list: list, entry: str) -> list[Finding]:
    from iacqa.catalog.sdk import SynthErrorAnnotation
    from iacqa.frontends.constructs import find_site
    out = []
    for a in ann:
        if a.get("level") != "error":
            continue
        site = find_site(site_list, a.get("path", ""))
        where = site.location if site else Location(entry, None)
        out.append(_finding(SynthErrorAnnotation, f"CDK reports an error on {a.get('path')}: {a.get('message')}",
                            where, f"[Error at /{a.get('path')}] {a.get('message')}",
                            "change the construct's props so that CDK's validation passes"))
    return out


def _finding(entry: Any, message: str, loc: Location, error: str, fix: str) -> Finding:
    return entry.finding(message, location=loc, error=error, fix=fix)


def camel(name: str) -> str:
    parts = name.split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def _camel_native(graph: ResourceGraph) -> None:
    """Findings name attributes as the user wrote them: `visibilityTimeout`, not `visibility_timeout`."""
    for res in graph:
        res.native_paths = {k: ".".join(camel(p) for p in v.split(".")) if isinstance(v, str) else v
                            for k, v in (res.native_paths or {}).items()}
        if res.attr_locations:
            res.attr_locations = {**res.attr_locations,
                                  **{".".join(camel(p) for p in k.split(".")): v for k, v in res.attr_locations.items()}}


class TsLocator:
    """The CDK Python Locator's interface over sites read from TS/JS (construct ids are the second argument)."""

    def __new__(cls, root: Path, templates: list[dict], site_list: list) -> Any:
        from iacqa.frontends.cdk_py.locate import Locator

        loc = Locator(root, [], templates)
        loc.sites = site_list
        return loc
