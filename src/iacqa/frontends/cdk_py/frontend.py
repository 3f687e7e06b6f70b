"""AWS CDK (Python) -> ResourceGraph: static check, synth in a sandboxed child, then the shared CloudFormation path.

1. static_check: names and keywords against the installed aws-cdk-lib (< 1 s after the one-time import).
2. synth: only when the static check found no critical error in a module the app imports (a missing name there
   fails the synth at the same line anyway, 10-20 s later).
3. graph: every synthesized `*.template.json` through `cloudformation.graph.graph_from_template` (platform "cdk"),
   located back to the Python construct calls through `aws:cdk:path` metadata; Lambda assets mapped to the project
   directory they came from, inline code to the string constant that holds it.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from iacqa.catalog.program import MissingFile, ProgramError, PythonSyntaxError
from iacqa.catalog.sandbox import ProgramExited, ProgramMemory, ProgramTimeout
from iacqa.catalog.sdk import SynthErrorAnnotation
from iacqa.frontends.base import FrontendResult
from iacqa.frontends.cdk_py import continuation, static_check
from iacqa.frontends.cdk_py.locate import Locator, asset_artifact, bundle_line_map, inline_origin
from iacqa.frontends.cdk_py.synth import EntryPoint, SynthResult, find_entry, synth
from iacqa.frontends.constructs import find_site
from iacqa.frontends.pysource import keyword_lines
from iacqa.model import Finding, Location, Options, ResourceGraph, Severity

_VALIDATION = "ValidationFailedWithErrors"  # CDK's construct validation at app.synth(): no template written
MAX_CONTINUE = 6  # synth runs on a fixed copy (each 30-90 s): the static fixes, up to four stubbed statements, one without construct validation
CONTINUE_BUDGET = 240.0  # seconds of synth spent continuing; no further run starts past it

INSTALL_HINT = "aws-cdk-lib is not installed: pip install 'iacqa[cdk]'"


class CdkFrontend:
    platform = "cdk"

    def build(self, project: Any, options: Options | Mapping[str, Any] | None = None) -> FrontendResult:
        options = Options.of(options)
        root = Path(project.root)
        files = list(getattr(project, "files", None) or [p.relative_to(root).as_posix() for p in root.rglob("*.py")])
        graph = ResourceGraph(platform="cdk")
        if importlib.util.find_spec("aws_cdk") is None or not static_check.available():
            return FrontendResult(graph, status="unavailable", detail=INSTALL_HINT)
        ep = find_entry(root, getattr(project, "entry", None))
        findings = static_check.check(root, files)
        findings = _scope_to_app(findings, root, files, ep)
        blocking = [f for f in findings if f.blocking]
        static_note = f"static check {len(findings)} finding(s)"
        if static_check.COST.imported:
            static_note += f" (aws-cdk-lib import {static_check.COST.seconds:.1f} s)"
        patched: dict[str, str] | None = {}
        renamed: frozenset[str] = frozenset()
        if blocking:
            patched, renamed = continuation.settle(root, findings, static_check.check_source) \
                if options.synth and ep is not None else (None, frozenset())
            if not patched:
                return FrontendResult(graph, findings, status="failed",
                                      detail=f"{static_note}, {len(blocking)} blocking: synth skipped (it would fail "
                                      f"at {blocking[0].file}:{blocking[0].line} first)")
        if ep is None:
            # A file that does not compile (SYN002, reported by the syntax stage) may be what hides the app
            # (lib/tap_stack.py cut before `class TapStack`): then the project failed, not iacqa.
            # So may a file the response lost the start of (SYN001 at ingest, the file is not in the project).
            broken = any(f.severity.value == "critical" for f in [*findings, *getattr(project, "findings", [])]) \
                or _any_unparsable(root, files)
            return FrontendResult(graph, findings, status="failed" if broken else "error",
                                  detail="no CDK app to run (cdk.json \"app\", app.py, tap.py, main.py, bin/*.py or "
                                  "lib/tap_stack.py with TapStack)")
        if not options.synth:
            return FrontendResult(graph, findings, status="ok", detail=f"{static_note}; synth not requested")
        timeout, memory_mb = options.limits(120, 3072)
        if not patched:
            result = synth(root, ep, timeout=timeout, memory_mb=memory_mb)
            try:
                first = self._result(root, files, graph, findings, result, static_note)
                events = list(result.events)
                seconds = result.seconds
            finally:
                result.cleanup()
            # A run-time error in the project's own code (`self.environment = ...` on a Stack) stops synth before
            # any template: go on with that statement stubbed, as after a static error (Pr7440: 0 resources).
            exc = next((e for e in events if e.get("kind") == "exception"), None)
            invalid = bool(exc) and _VALIDATION in str(exc.get("message") or "")
            # construct validation raises from `app.synth()`: run again without it rather than stub that call
            _, stub = continuation.next_step(first.findings, exc, set(files)) if exc and not invalid else (None, None)
            setter = continuation.setter_attribute(exc, set(files))
            stub = None if setter else stub
            raised = first.findings[len(findings):]
            if len(first.graph) or not raised or (stub is None and not setter and not invalid) \
                    or seconds * 2 > CONTINUE_BUDGET:
                return first
            patched = continuation.plan(root, findings, stubs=(stub,)) if stub else {}
            patched = continuation.rename_attributes(root, patched, [setter] if setter else [])
            if patched is None:
                return first
            return self._continued(root, files, graph, findings, ep, patched, static_note, timeout, memory_mb,
                                   renamed, stubs=[stub] if stub else [], raised=raised, detail=first.detail,
                                   skip_validation=invalid, attrs={setter} if setter else set())
        return self._continued(root, files, graph, findings, ep, patched, static_note, timeout, memory_mb, renamed)

    def _continued(self, root: Path, files: list[str], graph: ResourceGraph, findings: list[Finding],
                   ep: EntryPoint, patched: dict[str, str], static_note: str, timeout: float,
                   memory_mb: int, renamed: frozenset[str] = frozenset(), stubs: list[tuple[str, int]] | None = None,
                   raised: list[Finding] | None = None, detail: str | None = None,
                   skip_validation: bool = False, attrs: set[tuple[str, str]] | None = None) -> FrontendResult:
        """Synth of a copy with the blocking static errors fixed as their findings say, then, while synth raises in
        the project's own code, with that statement stubbed too (at most MAX_CONTINUE runs): the graph holds what
        the program declares once those lines are fixed; each run's error is revealed by the one before it.
        `stubs`/`raised`: a plain synth already raised at run time (no static error; `raised` are its findings):
        start from the statement that raised, stubbed."""
        blocking = [f for f in findings if f.blocking]
        raised = list(raised or [])
        first = raised[0].fingerprint if raised else blocking[0].fingerprint
        prev = first
        rename: set[str] = set(renamed)
        stubs = list(stubs or [])
        attrs = set(attrs or ())
        extra: list[Finding] = []
        out: FrontendResult | None = None
        runs, spent = 0, 0.0
        missing_assets: list[str] = []
        while patched is not None and runs < MAX_CONTINUE:
            runs += 1
            out, events, seconds = self._run_copy(root, files, findings, ep, patched, static_note, timeout, memory_mb,
                                                  missing_assets, skip_validation)
            # an error raised by a stub (passed where jsii wants a real value) is the continuation's limit, not
            # the program's: it is not reported, and its statement is stubbed in turn
            # a guarded run reports again what the run before it reported: once is enough
            seen = {(f.rule, f.file, f.line, f.message) for f in extra + raised}
            new = [f.with_(revealed_by=prev) for f in out.findings[len(findings):]
                   if "IacqaStub" not in f.message + (f.error or "") and (f.rule, f.file, f.line, f.message) not in seen]
            extra.extend(new)
            spent += seconds
            # guarded runs go on past each error ("continued" events, all reported above); what still needs
            # another run: a missing asset (an empty directory stands in, so the function is declared), a keyword
            # whose removal raised (it is renamed instead), and an error no guard caught (the run ended there)
            thrown = [e for e in events if e.get("kind") == "exception"]
            exc = next((e for e in thrown if not e.get("continued")), None)
            asset = next((m.group(1) for e in thrown for m in [re.search(r"Cannot find asset at (\S+)",
                                                                          str(e.get("message") or ""))]
                          if m and m.group(1) not in missing_assets), None)
            renames = {fp for e in thrown for fp, _ in [continuation.next_step(findings, e, set(files))]
                       if fp is not None and fp not in rename}
            setters = {a for e in thrown for a in [continuation.setter_attribute(e, set(files))]
                       if a is not None and a not in attrs}
            if exc is None and asset is None and not renames and not setters:
                break
            invalid = exc is not None and _VALIDATION in str(exc.get("message") or "")
            fp, stub = continuation.next_step(findings, exc, set(files)) if exc and not invalid else (None, None)
            if setters:
                # what ran after a read-only attribute was assigned read the framework's value: only the
                # assignment itself is the program's error; the next run renames the attribute
                attrs |= setters
                extra = extra[:len(extra) - len(new)] + [f for f in new if f.file in files
                                                           and continuation.read_only_attribute(f.message)]
            elif asset:
                # reported (SDK004 names the path); an empty directory stands in so the rest of the app synthesizes
                missing_assets.append(asset)
            elif renames:
                rename.update(renames)
                extra = extra[:len(extra) - len(new)]  # the removal, not the program, raised: not a finding
            elif stub is not None and stub not in stubs:
                stubs.append(stub)
                prev = new[0].fingerprint if new else prev
            elif invalid and not skip_validation:
                # construct validation failed (reported above): once more without it, so the template is written
                skip_validation = True
            else:
                break
            patched = continuation.rename_attributes(
                root, continuation.plan(root, findings, frozenset(rename), tuple(stubs)), attrs)
            if spent > CONTINUE_BUDGET:
                break
        if out is None:
            return FrontendResult(graph, findings + raised, status="failed", detail=f"{static_note}: synth skipped")
        out.graph.revealed_by = first
        fixed = f"{len(blocking)} blocking static error(s) fixed as their findings say" if blocking else \
            "the statement that raised stubbed"
        out.graph.notes.append(f"graph built from a copy with {fixed}" + (
            f" and {len(stubs)} failing statement(s) stubbed" if stubs and blocking else ""))
        return FrontendResult(out.graph, findings + raised + extra, status="failed",
                              detail=(detail + "; " if detail else "") + out.detail + f"; {runs} synth run(s) of a "
                              f"copy with {fixed}" + (f" ({len(stubs)} failing statement(s) stubbed)" if stubs
                                                      else ""))

    def _run_copy(self, root: Path, files: list[str], findings: list[Finding], ep: EntryPoint,
                  patched: dict[str, str], static_note: str, timeout: float,
                  memory_mb: int, missing_assets: list[str] | None = None, skip_validation: bool = False
                  ) -> tuple[FrontendResult, list[dict[str, Any]], float]:
        tmp = Path(tempfile.mkdtemp(prefix="iacqa-cdk-fix-"))
        copy = tmp / "p"
        try:
            shutil.copytree(root, copy, symlinks=True, ignore=shutil.ignore_patterns("cdk.out", ".git", "node_modules"))
            for rel, text in patched.items():
                (copy / rel).write_text(text)
            for asset in missing_assets or []:
                rel = _relative_to(_relative_to(asset, copy), root)
                target = (copy / str(rel)).resolve()
                if not Path(str(rel)).is_absolute() and target.is_relative_to(copy.resolve()):
                    target.mkdir(parents=True, exist_ok=True)
            result = synth(copy, ep, timeout=timeout, memory_mb=memory_mb, skip_validation=skip_validation,
                           keep_going=True)
            try:
                for p in result.template_paths:  # absolute asset paths point into the copy
                    try:
                        text = p.read_text()
                        if str(copy) in text:
                            p.write_text(text.replace(str(copy), str(root)))
                    except OSError:
                        continue
                for e in result.events:  # frames of the copy are the project's files (same lines)
                    e["frames"] = [[_relative_to(fr[0], copy), *fr[1:]] for fr in e.get("frames") or [] if fr]
                    if isinstance(e.get("message"), str):
                        e["message"] = e["message"].replace(str(copy), str(root))
                out = self._result(root, files, ResourceGraph(platform="cdk"), findings, result, static_note)
                return out, list(result.events), result.seconds
            finally:
                result.cleanup()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _result(self, root: Path, files: list[str], graph: ResourceGraph, findings: list[Finding],
                result: SynthResult, static_note: str) -> FrontendResult:
        templates = []
        for p in result.template_paths:
            try:
                templates.append((p, json.loads(p.read_text())))
            except (OSError, ValueError):
                continue
        locator = Locator(root, files, [t for _, t in templates])
        entry = result.entry.display if result.entry else "app"
        entry_loc = Location(result.entry.target if result.entry and result.entry.generated is None
                             and result.entry.mode == "path" else None, None)
        findings = findings + synth_findings(result, locator, entry, entry_loc)
        status, detail = "ok", ""
        if result.status == "no-entry" and result.entry is not None and result.entry.source == "cdk.json":
            # `cdk synth` runs the cdk.json command as is: python cannot open the script, nothing is synthesized.
            findings.append(ProgramError.finding(
                f"cdk.json runs `{result.entry.target}`, which the project does not contain: `cdk synth` fails "
                "before any construct is created", location=Location("cdk.json", 1 + _app_line(root)),
                error=f"python3: can't open file '{result.entry.target}': [Errno 2] No such file or directory",
                fix=f"add {result.entry.target} (App(), the stack, app.synth()) or point cdk.json \"app\" at the "
                "project's entry point"))
            return FrontendResult(graph, findings, status="failed", detail=result.detail)
        if result.status in ("no-entry", "unsupported"):
            return FrontendResult(graph, findings, status="error", detail=result.detail)
        try:
            if templates:
                build_graph(graph, templates, root, files, locator)
        except ImportError:
            graph.notes.append("the CloudFormation front end is not available: synth ran, graph left empty")
            status, detail = "error", "cloudformation front end missing (iacqa.frontends.cloudformation.graph)"
        failed = result.status != "ok" or any(f.rule == SynthErrorAnnotation.id for f in findings)
        if failed and status == "ok":
            status = "failed"
        n_res = len(graph)
        detail = (f"{static_note}; synth {result.status} via {entry} in {result.seconds:.1f} s, peak "
                  f"{result.peak_mb:.0f} MB; {len(templates)} template(s), {n_res} resources"
                  + (f"; {detail}" if detail else "") + (f"; {result.detail}" if result.detail else ""))
        if result.status == "ok" and not templates:
            status = "failed"
        graph.notes.extend(f"CDK warning at {e['path']}: {e['message']}" for e in result.events
                           if e.get("kind") == "annotation" and e.get("level") == "warning")
        return FrontendResult(graph, findings, status=status, detail=detail)


def _relative_to(path: Any, base: Path) -> Any:
    p = str(path)
    return p[len(str(base)) + 1:] if p.startswith(str(base) + "/") else path


# -- static findings: only modules the app imports block the synth ---------------------------------------------------
def _app_line(root: Path) -> int:
    try:
        lines = (root / "cdk.json").read_text(errors="replace").splitlines()
    except OSError:
        return 0
    return next((i for i, ln in enumerate(lines) if '"app"' in ln), 0)


def _scope_to_app(findings: list[Finding], root: Path, files: list[str], ep: EntryPoint | None) -> list[Finding]:
    if not findings:
        return findings
    starts: list[str] = []
    if ep is None:
        starts = []  # no app at all: nothing fails "at synth"; the names are still wrong
    elif ep.generated is not None:
        starts = ["lib/tap_stack.py"]
    elif ep.mode == "path":
        starts = [ep.target]
    else:
        starts = [f for f in _module_files(ep.target, root, [root]) if f in files]
    if ep is not None and not starts:
        return findings
    live = imported_files(root, files, starts) if starts else set()
    out = []
    for f in findings:
        if f.file and f.file.endswith(".py") and f.file not in live and f.severity is Severity.CRITICAL:
            f = f.with_(severity=Severity.HIGH,
                        message=f.message.replace("; the app fails here at synth", "")
                        + (f" ({f.file} is not imported by the app: this fails as soon as it is)" if ep is not None
                           else " (the project has no CDK app that imports it: this fails as soon as one does)"))
        out.append(f)
    return out


def _module_files(module: str, root: Path, bases: list[Path]) -> list[str]:
    parts = module.split(".")
    out = []
    for base in bases:
        for i in range(1, len(parts) + 1):
            stem = base.joinpath(*parts[:i])
            for cand in (stem.with_suffix(".py"), stem / "__init__.py"):
                if cand.is_file() and cand.resolve().is_relative_to(root):
                    out.append(cand.resolve().relative_to(root).as_posix())
    return out


def imported_files(root: Path, files: list[str], starts: list[str]) -> set[str]:
    """Project files reachable from the entry through import statements (absolute from the script's directory or
    the project root, and relative imports)."""
    root = root.resolve()
    seen: set[str] = set()
    todo = [s for s in starts]
    bases_extra = {(root / s).parent for s in starts}
    while todo:
        rel = todo.pop()
        if rel in seen:
            continue
        seen.add(rel)
        path = root / rel
        try:
            tree = ast.parse(path.read_text(errors="replace"))
        except (SyntaxError, ValueError, OSError):
            continue
        bases = [root, *bases_extra]
        for node in ast.walk(tree):
            mods: list[tuple[str, list[Path]]] = []
            if isinstance(node, ast.Import):
                mods = [(a.name, bases) for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    pkg = path.parent
                    for _ in range(node.level - 1):
                        pkg = pkg.parent
                    base_mod = node.module or ""
                    mods = [(f"{base_mod}.{a.name}".strip("."), [pkg]) for a in node.names]
                    if base_mod:
                        mods.append((base_mod, [pkg]))
                else:
                    mods = [(node.module or "", bases), *((f"{node.module}.{a.name}", bases) for a in node.names)]
            for mod, where in mods:
                for f in _module_files(mod, root, where):
                    if f not in seen:
                        todo.append(f)
    return seen


# -- synth events -> findings -----------------------------------------------------------------------------------------
def synth_findings(result: SynthResult, locator: Locator, entry: str, entry_loc: Location) -> list[Finding]:
    out: list[Finding] = []
    for e in result.events:
        kind = e.get("kind")
        frames = e.get("frames") or []
        loc = Location(frames[-1][0], frames[-1][1]) if frames else entry_loc
        if kind == "exception" and e.get("jsii") and loc.file:
            loc = _keyword_named(locator.root, loc, e.get("message") or "")
        if kind == "exception":
            out.append(exception_finding(e, loc, entry))
        elif kind == "exit":
            out.append(ProgramExited.make(loc, f"the app called sys.exit({e.get('code')}) before it finished"))
        elif kind == "memory":
            out.append(ProgramMemory.make(loc, 0))
        elif kind == "annotation" and e.get("level") == "error":
            site = find_site(locator.sites, e.get("path", ""))
            where = site.location if site else entry_loc
            out.append(SynthErrorAnnotation.finding(
                f"CDK reports an error on {e.get('path')}: {e.get('message')}", location=where,
                error=f"[Error at /{e.get('path')}] {e.get('message')}",
                fix="change the construct's props so that CDK's validation passes"))
    if result.status == "timeout":
        out.append(ProgramTimeout.make(entry_loc, result.seconds))
    elif result.status == "memory" and not any(e.get("kind") == "memory" for e in result.events):
        out.append(ProgramMemory.make(entry_loc, int(result.peak_mb)))
    elif result.status in ("exit", "killed") and not any(e.get("kind") == "exit" for e in result.events):
        out.append(ProgramExited.make(entry_loc, f"the app process ended on its own (exit code {result.exit_code}) "
                                      "before it finished"))
    return out


def _keyword_named(root: Path, loc: Location, message: str) -> Location:
    """A CDK validation error names the prop in words ("message retention period must be ..."): the keyword of the
    failing call whose words all appear in the message, when exactly one does; else the call line."""
    words = set(re.findall(r"[a-z0-9]+", message.lower()))
    hits = {name: kl for name, kl in keyword_lines(root, loc.file or "", loc.line or 0).items()
            if "." not in name and all(w in words for w in name.split("_"))}
    return next(iter(hits.values())) if len(hits) == 1 else loc


def exception_finding(e: dict[str, Any], loc: Location, entry: str) -> Finding:
    """The app raised: SDK004 with a CDK-specific fix (SYN002 / PKG002 for syntax errors and missing files)."""
    etype, msg = e.get("type", "Error"), (e.get("message") or "").strip()
    if e.get("syntax") or etype == "FileNotFoundError":
        f = ProgramError.from_event(e, loc, entry)
        if f.rule == MissingFile.id:
            f = f.with_(fix="ship the file in the project, or point Code.from_asset()/open() at a path that exists "
                        "relative to where `cdk synth` runs (the project root)")
        return f.with_(stage="frontend") if f.rule == PythonSyntaxError.id else f
    first = " ".join(ln.strip() for ln in msg.splitlines() if ln.strip())
    if e.get("jsii"):
        # jsii carries the JavaScript error: "ValidationError: ..." or "Error: ..."; the Python frame is the call.
        fix = "CDK rejected the construct at synth: change the props it names (the message is CDK's own)"
    elif etype in ("ModuleNotFoundError", "ImportError"):
        fix = ("add the module to the project, or fix the import (the TAP layout runs tap.py from the project "
               "root with the stack code in lib/)")
    elif etype in ("TypeError", "AttributeError"):
        fix = "use the names and argument types of the installed aws-cdk-lib (see the CDK Python API reference)"
    else:
        fix = "fix the exception: `cdk synth` stops at the first one and nothing is deployed"
    where = f" at {loc}" if loc.file else f" while running {entry}"
    stack = " <- ".join(f"{f}:{ln}" for f, ln, _ in reversed(e.get("frames") or []))
    return ProgramError.finding(
        f"the CDK app raises {etype}{where}: {first[:400]}" + (f" (stack: {stack})" if stack else ""),
        location=loc, error=f"{etype}: {first[:600]}", fix=fix)


# -- templates -> graph -----------------------------------------------------------------------------------------------
def build_graph(graph: ResourceGraph, templates: list[tuple[Path, dict]], root: Path, files: list[str],
                locator: Locator) -> None:
    """Each template through the shared CloudFormation path, merged into one graph; code mapped to the project."""
    from iacqa.frontends.cloudformation.graph import graph_from_template

    handled: set[str] = set()
    for path, tpl in templates:
        stack = path.name.split(".")[0]
        sub, sub_findings = graph_from_template(tpl, root, file=None, platform="cdk", locate=locator)
        del sub_findings  # template-level findings (unresolvable refs...) are about CDK's output, not the user's code
        rename: dict[str, str] = {}
        for rid, res in sub.resources.items():
            new_id = rid if rid not in graph.resources else f"{stack}/{rid}"
            rename[rid] = new_id
            res.id = new_id
            raw = tpl.get("Resources", {}).get(rid, {})
            # Native names are the Python keywords (`queue_name`), located at the lines they are written on.
            keywords = locator.attr_locations(rid)
            res.attr_locations = {**(res.attr_locations or {}), **keywords}
            for prop in res.properties if isinstance(res.properties, dict) else {}:
                native = locator.native_path(res.type, (prop,))
                if native in keywords:
                    res.native_paths[prop] = native
                else:
                    res.native_paths.setdefault(prop, native)
            if res.location is None or not res.location.file:
                res.location = locator(("Resources", rid)) or res.location
            graph.add(res)
            art = code_artifact(new_id, raw, sub.code.get(rid), root, files)
            if art is _CDK_OWN or (art is not None and art.kind == "inline"
                                   and not any(o.file for o in art.origin.values()) and not locator.own_site(rid)):
                # CDK's own handlers (S3 auto-delete, bucket notifications, log retention): not the user's code,
                # so no rule judges them (their tracing, runtime or role are aws-cdk-lib's choices).
                graph.notes.append(f"{new_id}: Lambda code provided by aws-cdk-lib, not analysed")
                _mark_provided(res)
            elif art is not None:
                graph.code[new_id] = art
            handled.add(rid)
        for rid, res in sub.resources.items():
            if rid.startswith(_CDK_PROVIDED_PREFIXES) and res.type != "Custom::CdkProvided":
                _mark_provided(res)
        for rid, art in sub.code.items():
            if rid not in handled:
                graph.code.setdefault(rename.get(rid, rid), art)
        for k, v in sub.outputs.items():
            graph.outputs.setdefault(k, v)
        graph.notes.extend(sub.notes)


_CDK_OWN: Any = object()


def code_artifact(rid: str, raw: dict[str, Any], art: Any, root: Path, files: list[str]) -> Any:
    """Asset code -> the project directory it came from; inline code -> origin at the Python string constant."""
    if raw.get("Type") != "AWS::Lambda::Function":
        return art
    meta = raw.get("Metadata") or {}
    asset = meta.get("aws:asset:path") if meta.get("aws:asset:property") == "Code" else None
    if isinstance(asset, str) and asset:
        src = Path(asset) if Path(asset).is_absolute() else root / asset
        if not src.resolve().is_relative_to(root.resolve()):
            if meta.get("aws:asset:is-bundled") and src.is_dir():
                # Built at synth from the project's code (NodejsFunction's esbuild bundle): read it now, the synth
                # output is removed with the workspace.
                art = asset_artifact(rid, str(src), src.parent)
                bundle_line_map(art, root)
                return art
            return _CDK_OWN  # staged by aws-cdk-lib from its own package (custom resource providers)
        return asset_artifact(rid, asset, root)
    zip_file = ((raw.get("Properties") or {}).get("Code") or {}).get("ZipFile")
    if isinstance(zip_file, str) and art is not None:
        origin = inline_origin(root, files, zip_file)
        if origin is not None:
            for key in list(art.files) or [next(iter(art.origin), "index.py")]:
                art.origin[key] = origin
    return art


def _any_unparsable(root: Path, files: list[str]) -> bool:
    """Whether one of the project's own program files (the ones the static check reads) does not parse."""
    import ast

    from iacqa.frontends.pycheck.files import chosen

    for rel in chosen(files):
        try:
            ast.parse((root / rel).read_text(errors="replace"))
        except (SyntaxError, ValueError):
            return True
        except OSError:
            continue
    return False


# Logical-id prefixes of the helper resources aws-cdk-lib adds on its own (custom resource providers and roles).
_CDK_PROVIDED_PREFIXES = ("CustomS3AutoDeleteObjectsCustomResourceProvider", "BucketNotificationsHandler",
                          "LogRetention", "CustomCDKBucketDeployment", "AWSCDKCfnUtilsProvider",
                          "CustomVpcRestrictDefaultSGCustomResourceProvider", "AWS679f53fac002430cb0da5b7982bd2287")


def _mark_provided(res: Any) -> None:
    """Keep the resource in the graph (references to it still resolve) but out of every rule's reach."""
    res.native_properties = {**res.native_properties, "__provided_by": "aws-cdk-lib", "__type": res.type}
    res.type = "Custom::CdkProvided"
    res.mapped = False
