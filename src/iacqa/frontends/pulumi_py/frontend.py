"""Pulumi Python -> ResourceGraph: run the program under mocks in a sandboxed child, map what it declared."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from iacqa.catalog.program import ConfigRequired, ProgramError, PythonSyntaxError
from iacqa.catalog.sandbox import ProgramExited, ProgramMemory, ProgramTimeout
from iacqa.catalog.sdk import MissingSymbol, OutputInJson
from iacqa.frontends.base import FrontendResult
from iacqa.frontends.code_package import read_dir, read_zip
from iacqa.frontends.identity import graph_outputs
from iacqa.frontends.pulumi_py import harness
from iacqa.frontends.pysource import keyword_lines
from iacqa.knowledge.naming import snake
from iacqa.knowledge.typemap import FREE_MAPS as TYPEMAP_FREE_MAPS
from iacqa.model import CodeArtifact, Finding, Location, Options, Resource, ResourceGraph, Severity
from iacqa.sandbox import Limits, run_python

# Keys whose values are user data (env var names, tag keys, alarm dimension names): never re-cased. One list with
# the type mapper's (a copy of its own missed `dimensions`: {"BucketName": b} became {"bucket_name": b}).
FREE_MAPS = TYPEMAP_FREE_MAPS | {"attributes", "labels"}
TAP_DEFAULTS = {"environmentSuffix": "dev", "env": "dev", "environment": "dev", "environment_suffix": "dev"}


def to_native(value: Any, free: bool = False) -> Any:
    if isinstance(value, dict):
        if "__asset" in value or "__archive" in value:
            return value
        return {(k if free else snake(k)): to_native(v, (not free) and snake(k) in FREE_MAPS) for k, v in value.items()}
    if isinstance(value, list):
        return [to_native(v) for v in value]
    return value


def stack_config(root: Path, project: str, stack: str = "dev") -> dict[str, Any]:
    cfg: dict[str, Any] = {f"{project}:{k}": v for k, v in TAP_DEFAULTS.items()}
    cfg["aws:region"] = "us-east-1"
    try:
        from iacqa.sandbox.safeload import load_yaml

        # Project-level config in Pulumi.yaml (`config: {key: {default: v}}` or `key: v`) applies to every stack,
        # under the stack file's values; `template: config:` only seeds `pulumi new`, so it is not read.
        declared = (load_yaml((root / "Pulumi.yaml").read_text()) or {}).get("config") or {}
        for k, v in declared.items() if isinstance(declared, dict) else ():
            value = v.get("default", v.get("value")) if isinstance(v, dict) else v
            if value is not None:
                key = k if ":" in k else f"{project}:{k}"
                cfg[key] = value if isinstance(value, str) else json.dumps(value)
    except Exception:  # noqa: BLE001 - no or an unreadable Pulumi.yaml: the stack file and TAP defaults
        pass
    try:
        from iacqa.sandbox.safeload import load_yaml  # an alias bomb is refused, not expanded

        data = load_yaml((root / f"Pulumi.{stack}.yaml").read_text()) or {}
        for k, v in (data.get("config") or {}).items():
            key = k if ":" in k else f"{project}:{k}"
            cfg[key] = v if isinstance(v, str) else json.dumps(v)
    except Exception:  # noqa: BLE001 - no stack file, or an unreadable one: TAP defaults only
        pass
    return cfg


def declared_missing(root: Path, files: list[str]) -> set[str]:
    """Top-level modules the program imports that iacqa does not have and the project declares (stubbed)."""
    import ast
    import importlib.util

    from iacqa.knowledge.declared_packages import declaring_file

    tops: set[str] = set()
    for rel in files:
        if rel.startswith("tests/"):
            continue
        try:
            tree = ast.parse((root / rel).read_text(errors="replace"))
        except (OSError, SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                tops.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                tops.add(node.module.split(".")[0])
    local = {p.stem for p in root.glob("*.py")} | {p.name for p in root.iterdir() if p.is_dir()}
    out = set()
    for top in tops - local:
        try:
            found = importlib.util.find_spec(top) is not None
        except (ImportError, ValueError):
            found = False
        if not found and declaring_file(root, top):
            out.add(top)
    return out


class PulumiFrontend:
    platform = "pulumi"

    def build(self, project: Any, options: Options | Mapping[str, Any] | None = None) -> FrontendResult:
        options = Options.of(options)
        root: Path = project.root
        entry = project.entry
        graph = ResourceGraph(platform="pulumi")
        if not entry:
            return FrontendResult(graph, status="error", detail="no Pulumi entry point (tap.py, __main__.py or "
                                  "Pulumi.yaml main) found")
        try:
            import pulumi  # noqa: F401
            import pulumi_aws  # noqa: F401
        except ImportError:
            return FrontendResult(graph, status="unavailable",
                                  detail="pulumi / pulumi-aws are not installed: pip install 'iacqa[pulumi]'")
        name = harness.project_name(root)
        config = stack_config(root, name)
        timeout, memory_mb = options.limits(60, 2048)
        limits = Limits(timeout=timeout, memory_mb=memory_mb)
        # A fresh interpreter in the sandbox (namespaces when available) working on a copy of the project.
        stubs = declared_missing(root, [f for f in getattr(project, "files", []) if f.endswith(".py")])
        self._stubs = sorted(stubs)  # the keep-going runs use the same stand-ins
        outcome = run_python("iacqa.frontends.pulumi_py.harness:run_program",
                             {"root": str(root), "entry": entry, "project": name, "stack": "dev", "config": config,
                              "stubs": sorted(stubs)},
                             project=root, timeout=limits.timeout, memory_mb=limits.memory_mb,
                             env_extra={"PULUMI_CONFIG": json.dumps(config)})
        result = FrontendResult(graph)
        self._graph(outcome.events, root, graph)
        result.findings.extend(self._findings(outcome, root, entry, limits))
        n = len([r for r in graph if r.mapped])
        detail = f"{len(graph)} resources ({n} mapped), {outcome.seconds:.2f}s, peak {outcome.peak_rss_mb:.0f} MB"
        if any(e["kind"] == "unavailable" for e in outcome.events):
            return FrontendResult(graph, status="unavailable", detail="pulumi could not be imported in the sandbox")
        failed = outcome.status != "ok" or any(e["kind"] in ("exception", "exit") for e in outcome.events)
        result.status = "failed" if failed else "ok"
        result.detail = detail if not failed else detail + "; program did not complete, graph is partial"
        if failed:
            self._keep_going(project, result, outcome, name, config, limits)
        result.detail += unresolved_note(result.graph)
        return result

    def _keep_going(self, project: Any, result: FrontendResult, outcome: Any, name: str, config: dict[str, Any],
                    limits: Limits) -> None:
        """The program raised: run it again on copies fixed as the findings say (keep_going), so the graph holds
        what it declares once those lines are fixed and one analysis reports every independent error."""
        from iacqa.frontends.pulumi_py import keep_going
        from iacqa.frontends.pulumi_py.static_check import check_sdk_usage

        root: Path = project.root
        files = list(project.files)
        exc = keep_going.first_exception(outcome.events, {f for f in files if f.endswith(".py")})
        first = next((f for f in result.findings if f.rule in (ProgramError.id, PythonSyntaxError.id)), None)
        if exc is None or first is None:
            return
        static = check_sdk_usage(root, [f for f in files if f.endswith(".py") and not f.startswith("tests/")])

        def run(copy: Path, names: dict[str, str]) -> tuple[ResourceGraph, list[Finding], list[dict], float]:
            out = run_python("iacqa.frontends.pulumi_py.harness:run_program",
                             {"root": str(copy), "entry": project.entry, "project": name, "stack": "dev",
                              "config": config, "stubs": getattr(self, "_stubs", []), "names": names}, project=copy,
                             timeout=limits.timeout, memory_mb=limits.memory_mb,
                             env_extra={"PULUMI_CONFIG": json.dumps(config)})
            # paths the program built from __file__ name the copy: they are the project's (a FileArchive there
            # must be looked for in the project, and findings must not show a temporary directory)
            out.events = json.loads(json.dumps(out.events).replace(json.dumps(str(copy))[1:-1],
                                                                   json.dumps(str(root))[1:-1]))
            graph = ResourceGraph(platform="pulumi")
            self._graph(out.events, root, graph)
            return graph, self._findings(out, root, project.entry, limits), out.events, out.seconds

        search = list(dict.fromkeys([root, (root / project.entry).parent]))
        cont = keep_going.continue_past(root, files, static, first, exc, run, search, outcome.events)
        if cont is None or len(cont.graph) < len(result.graph):
            return
        result.graph = cont.graph
        result.graph.revealed_by = first.fingerprint
        result.findings.extend(cont.findings)
        n = len([r for r in cont.graph if r.mapped])
        result.detail += (f"; {cont.runs} more run(s) on a copy with the failing calls fixed as their findings say"
                          + (f" ({cont.stubs} statement(s) stubbed)" if cont.stubs else "")
                          + f": {len(cont.graph)} resources ({n} mapped)"
                          + ("" if cont.completed else ", still partial"))

    # -- events -> graph -------------------------------------------------------------------------------------------
    def _graph(self, events: list[dict], root: Path, graph: ResourceGraph) -> None:
        try:
            from iacqa.knowledge.typemap import map_pulumi
        except ImportError:  # knowledge data not installed: keep every resource unmapped

            def map_pulumi(token: str, native: dict) -> None:  # type: ignore[misc]
                return None

        sites: dict[tuple[str, str], dict] = {}
        for e in events:
            if e["kind"] == "site":
                sites.setdefault((e["type"], e["name"]), e)
        missing_code = {}
        for e in events:
            if e["kind"] == "missing" and e.get("kwargs", {}).get("zip_file"):
                missing_code[(e.get("file"), e.get("line"))] = e["kwargs"]["zip_file"]
        registered = {(e["type"], e["name"]) for e in events if e["kind"] == "resource"}
        # Declared but never registered (the program hung or died first): keep what the constructor was given.
        pending = [{"kind": "resource", "type": e["type"], "name": e["name"], "custom": True,
                    "inputs": e.get("props") or {}, "outputs": {}, "partial": True}
                   for e in sites.values() if e.get("custom") and (e["type"], e["name"]) not in registered]
        for e in [*events, *pending]:
            kind = e["kind"]
            if kind == "output":
                graph.outputs[e["name"]] = e["value"]
            elif kind == "config":
                graph.config_needs[e["key"]] = e["value"]
            if kind == "resource" and not e.get("custom") and not str(e.get("type", "")).startswith("pulumi:"):
                # a component: packaged ones (awsx:ec2:Vpc) create children the mocks never see (requirements view)
                graph.notes.append(f"{e.get('name')}: component {e.get('type')}")
            if kind != "resource" or not e.get("custom"):
                continue
            token, name = e["type"], e["name"]
            site = sites.get((token, name), {})
            native = to_native(e.get("inputs") or {})
            code_input = native.pop("code", None)
            mapped = map_pulumi(token, native)
            loc = Location(site.get("file"), site.get("line"))
            rid = name if name not in graph.resources else f"{name}#{token.split(':')[-1]}"
            res = Resource(
                id=rid, type=mapped.cfn_type if mapped else token, native_type=token,
                properties=mapped.properties if mapped else {}, native_properties=native,
                native_paths=mapped.native_paths if mapped else {}, location=loc,
                outputs=graph_outputs(e.get("outputs") or {}), parent=site.get("parent"),
                depends_on=[d for d in site.get("depends_on") or [] if d], mapped=mapped is not None,
                # only the constructor's known inputs (or some of them stood in for by a keep-going run): the
                # absence of a property says nothing
                unresolved=bool(e.get("partial") or site.get("stood_in")),
            )
            if site.get("retain_on_delete") or site.get("protect"):
                res.native_properties["__opts"] = {"retain_on_delete": site.get("retain_on_delete"),
                                                   "protect": site.get("protect")}
            if loc.file and loc.line:
                res.attr_locations = keyword_lines(root, loc.file, loc.line)
            graph.add(res)
            if token == "aws:lambda/function:Function":
                art = _code_artifact(rid, code_input, root, res, missing_code)
                if art is not None:
                    graph.code[rid] = art

    # -- events -> findings ----------------------------------------------------------------------------------------
    def _findings(self, outcome: Any, root: Path, entry: str, limits: Limits) -> list:
        out = duplicate_urns(outcome.events)
        seen = set()
        stubbed = {e["module"].split(".")[0] for e in outcome.events if e["kind"] == "stubbed"}
        reported: set[str] = set()
        for e in outcome.events:
            kind = e["kind"]
            loc = Location(e.get("file"), e.get("line"))
            if kind == "missing":
                key = (e["symbol"], loc.file, loc.line)
                if key in seen:
                    continue
                seen.add(key)
                out.append(sdk_missing(e, loc))
            elif kind == "output-json":
                if ("json", loc.file, loc.line) in seen:
                    continue
                seen.add(("json", loc.file, loc.line))
                out.append(output_in_json(e, loc))
            elif kind == "import-failed":
                # an import a keep-going run stood in for (repair.py): the error the program raises there
                out.append(ProgramError.from_event(e, loc, entry))
            elif kind == "config-missing":
                out.append(ConfigRequired.from_event(e, loc))
            elif kind == "exception" and e.get("type") == "MemoryError":
                out.append(ProgramMemory.make(loc, limits.memory_mb))
            elif kind == "exception" and stubbed:
                # After a stand-in for an uninstallable package, a failure may be the stand-in's: not the program's.
                f = ProgramError.from_event(e, loc, entry)
                out.append(f.with_(severity=Severity.LOW, message=f"not checkable offline past this point (the "
                                   f"program uses the stand-in for {', '.join(sorted(stubbed))}): {f.message}"))
            elif kind == "exception":
                if not loc.file:
                    # an input the SDK refused while registering a resource: the stack has none of the project's
                    # frames, the resource's construction site says where the argument is
                    from iacqa.frontends.pulumi_py.keep_going import rejected_input

                    py = {ev.get("file") for ev in outcome.events if ev.get("kind") == "site" and ev.get("file")}
                    hit = rejected_input(e, outcome.events, py)
                    if hit:
                        loc = Location(hit[0], (keyword_lines(root, hit[0], hit[1]).get(hit[2]) or
                                                Location(hit[0], hit[1])).line)
                out.append(ProgramError.from_event(e, loc, entry))
            elif kind == "stubbed" and e["module"].split(".")[0] not in reported:
                top = e["module"].split(".")[0]
                reported.add(top)
                out.append(ProgramError.finding(
                    f"not checkable offline: `{top}` is declared by the project but iacqa cannot install it offline; "
                    "a stand-in let the program go on, so the resources it creates are not in the graph and its "
                    "arguments are not checked", location=Location(entry, None), severity=Severity.LOW,
                    title="not checkable offline: declared package not installed here",
                    fix=f"nothing to fix in the project; to check it fully, install `{top}` where iacqa runs"))
            elif kind == "exit":
                out.append(ProgramExited.make(loc, f"the program called sys.exit({e.get('code')})"))
            elif kind == "child-error":
                out.append(ProgramError.from_event({"type": "Error", "message": e.get("error", "")}, loc, entry))
        if outcome.status == "timeout":
            out.append(ProgramTimeout.make(Location(entry, None), limits.timeout))
        elif outcome.status == "memory":
            out.append(ProgramMemory.make(Location(entry, None), limits.memory_mb))
        elif outcome.status in ("exit", "killed"):
            out.append(ProgramExited.make(Location(entry, None),
                                          "the process ended on its own ("
                                          + (f"signal {outcome.signal}" if getattr(outcome, "signal", None)
                                             else f"exit code {outcome.exit_code}")
                                          + ") before the program finished"))
        return out


def unresolved_note(graph: ResourceGraph) -> str:
    """The stage detail's word on resources declared before the program ended but never resolved."""
    n = sum(1 for r in graph if r.unresolved)
    return (f"; {n} resource(s) declared but never resolved (only the inputs known at the constructor are "
            "recorded; findings about what they lack are withheld)") if n else ""


def _code_artifact(rid: str, code: Any, root: Path, res: Resource, missing_code: dict) -> CodeArtifact | None:
    art = CodeArtifact(resource=rid)
    handler = res.native_properties.get("handler") or "index.handler"
    if code is None:
        inline = missing_code.get((res.location.file, res.attr_locations.get("code", res.location).line))
        if inline is None:
            inline = next(iter(missing_code.values()), None) if len(missing_code) == 1 else None
        if inline:
            module = handler.rsplit(".", 1)[0].replace(".", "/") + ".py"
            art.files[module] = inline
            art.origin[module] = _find_text(root, inline)
            art.kind = "inline"
            return art
        return None
    _collect(code, "", root, art)
    return art


def _collect(node: Any, prefix: str, root: Path, art: CodeArtifact) -> None:
    if not isinstance(node, dict):
        return
    if node.get("__archive") == "assets":
        for key, sub in (node.get("assets") or {}).items():
            _collect(sub, "" if key in (".", "") else f"{prefix}{key}", root, art)
    elif node.get("__archive") == "file" or node.get("__asset") == "file":
        rel = node.get("path", "")
        path = (root / rel).resolve()
        art.source_path = rel
        if path.is_dir():
            read_dir(art, path, root, prefix=prefix.rstrip("/") + "/" if prefix and node.get("__archive") else "")
        elif path.is_file() and path.suffix == ".zip":
            read_zip(art, path)
        elif path.is_file():
            key = prefix or path.name
            art.kind = "directory"
            art.files[key] = path.read_text(errors="replace")
            art.origin[key] = Location(path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path), 1)
        else:
            art.kind = "missing"
    elif node.get("__asset") == "string":
        key = prefix or "index.py"
        art.files[key] = node.get("text", "")
        art.origin[key] = _find_text(root, node.get("text", ""))
        art.kind = "inline"


def _find_text(root: Path, text: str) -> Location:
    """The project file and line where an inline code string starts (for mapping handler lines back)."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return Location()
    first_idx = text.splitlines().index(lines[0])
    probe = lines[0].strip()
    for f in sorted(root.rglob("*.py")):
        if any(p in ("site-packages", "__pycache__", ".venv") for p in f.parts):
            continue
        src = f.read_text(errors="replace").splitlines()
        for i, ln in enumerate(src):
            if ln.strip() == probe or (probe in ln and len(probe) > 12):
                # Confirm with the next non-empty line when there is one.
                if len(lines) > 1 and lines[1].strip() not in "\n".join(src[i + 1 : i + 6]):
                    continue
                return Location(f.relative_to(root).as_posix(), i + 1 - first_idx)
    return Location()


def sdk_missing(e: dict[str, Any], loc: Location) -> Finding:
    """A name the SDK does not have, seen while running the program (same id as the static check)."""
    symbol = e.get("symbol", "?")
    mod, _, name = symbol.rpartition(".")
    if e.get("use") == "module":
        error = f"ModuleNotFoundError: No module named '{symbol}'"
    else:
        error = f"AttributeError: module '{mod}' has no attribute '{name}'"
    msg = f"`{symbol}` does not exist in the installed SDK; the program fails here at synth"
    return MissingSymbol.finding(msg, location=loc, symbol=symbol, error=error, fix=_fix_for(symbol))


def _fix_for(symbol: str) -> str | None:
    try:
        from iacqa.frontends.pulumi_py.static_check import suggest  # type: ignore[attr-defined]

        return suggest(symbol)
    except Exception:  # noqa: BLE001 - suggestions are a nicety
        return None


def output_in_json(e: dict[str, Any], loc: Location) -> Finding:
    msg = "json.dumps() is given a Pulumi Output (a value known only at deploy time)"
    error = "TypeError: Object of type Output is not JSON serializable"
    fix = "build the JSON inside .apply(): pulumi.Output.all(a.arn, b.arn).apply(lambda v: json.dumps({...}))"
    return OutputInJson.finding(msg, location=loc, error=error, fix=fix)


def duplicate_urns(events: list[dict]) -> list[Finding]:
    """Two resources with the same type and name under the same parent: the same URN, which the Pulumi engine
    refuses at `pulumi up` ("Duplicate resource URN ...; try giving it a unique name"). Pulumi's mocks never see
    it (the engine checks, not the SDK), so it is read from the registrations. A parent's type is also part of the
    URN; only same-named parents are compared here, which keeps every report certain."""
    first: dict[tuple, dict] = {}
    out: list[Finding] = []
    for e in events:
        if e.get("kind") != "site":
            continue
        key = (e.get("type"), e.get("name"), e.get("parent"))
        if key not in first:
            first[key] = e
            continue
        where = f"{first[key].get('file')}:{first[key].get('line')}" if first[key].get("file") else "earlier"
        urn = f"urn:pulumi:<stack>::<project>::{e.get('type')}::{e.get('name')}"
        out.append(ProgramError.finding(
            f"`pulumi up` fails: the program declares {e.get('type')} `{e.get('name')}` twice (first at {where})"
            + (f" under the same parent `{e.get('parent')}`" if e.get("parent") else "")
            + "; both have the same URN", location=Location(e.get("file"), e.get("line")),
            error=f"Duplicate resource URN '{urn}'; try giving it a unique name",
            fix="give each resource a unique name (include the loop key, region or environment in it), or create "
            "it once and reuse the object"))
        if len(out) >= 10:
            break
    return out
