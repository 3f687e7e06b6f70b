"""Run a TS/JS program (CDK app, Pulumi program under mocks, CDKTF app) in the sandbox and read what happened.

TypeScript runs through ts-node in transpile-only mode (the compiler's own transpiler; type errors are the tsc
stage's job, so synth goes on past them and the graph shows what deploy meets next), JavaScript (.mjs/.js) runs
as is. js/guard.js is preloaded: exceptions, unhandled rejections and non-zero exits come back as JSON events
whose frames ts-node's source-map support has already mapped to .ts lines.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from iacqa.catalog.typescript import NodeProgramError, NodeProgramLimit
from iacqa.frontends.node import run as noderun
from iacqa.frontends.node.workspace import TS_SUFFIXES, Workspace
from iacqa.model import Finding, Location
from iacqa.sandbox.child import read_events


@dataclass
class ProgramRun:
    status: str
    seconds: float
    peak_mb: float
    events: list[dict] = field(default_factory=list)
    stdout: str = ""
    stderr: str = ""
    isolation: str = ""
    # packages the program imports that the pipeline installs (scaffold package.json) but the toolchain lacks
    missing_packages: list[str] = field(default_factory=list)


def argv_for(ws: Workspace, entry: str, preload: list[str] | None = None, main_script: str | None = None) -> list[str]:
    """node with the guard (and ts-node for TypeScript) preloaded; `main_script` runs instead of the entry and
    gets the entry as its argument (the Pulumi harness)."""
    argv = [noderun.node(), "--enable-source-maps", "-r", noderun.script("guard.js")]
    if entry.endswith(TS_SUFFIXES) or any(f.endswith(TS_SUFFIXES) for f in ws.files if f.startswith("lib/")):
        argv += ["-r", str(ws.root / "node_modules" / "ts-node" / "register" / "transpile-only.js")]
    for p in preload or []:
        argv += ["-r", p]
    return [*argv, main_script, entry] if main_script else [*argv, entry]


def run_program(ws: Workspace, entry: str, env: dict[str, str], timeout: float, memory_mb: int,
                preload: list[str] | None = None, network: bool = False, main_script: str | None = None) -> ProgramRun:
    events_file = ws.root.parent / "events.jsonl"
    events_file.unlink(missing_ok=True)
    full_env = {"IACQA_EVENTS": str(events_file), "IACQA_ROOT": str(ws.root),
                "TS_NODE_PROJECT": str(ws.root / "tsconfig.json"), "TS_NODE_TRANSPILE_ONLY": "true",
                "TS_NODE_COMPILER_OPTIONS": json.dumps({"module": "commonjs", "moduleResolution": "node"}),
                **env}
    r = noderun.run(argv_for(ws, entry, preload, main_script), ws.root, timeout=timeout, memory_mb=memory_mb, env=full_env,
                    writable=[ws.root.parent], network=network)
    events: list[dict] = read_events(events_file)
    if r.status == "error" and not any(e.get("kind") in ("exception", "rejection", "exit") for e in events):
        # Died before the guard could speak (a syntax error in an ES module is reported by the loader itself).
        events.append(_stderr_event(r.stderr, ws))
    return ProgramRun(r.status, r.seconds, r.peak_mb, events, r.stdout, r.stderr, r.isolation)


def _stderr_event(stderr: str, ws: Workspace) -> dict:
    frames = []
    for m in re.finditer(r"((?:/|file://)[^\s():]+):(\d+)(?::(\d+))?", stderr):
        frames.append([m.group(1).replace("file://", ""), int(m.group(2)), int(m.group(3) or 0), ""])
    msg = next((ln.strip() for ln in stderr.splitlines() if re.match(r"\s*\w*(Error|Exception)\b", ln)), "")
    m = re.match(r"(\w+): (.*)", msg)
    return {"kind": "exception", "type": m.group(1) if m else "Error", "message": m.group(2) if m else
            (stderr.strip().splitlines() or ["the program exited with an error"])[-1][:500], "frames": frames,
            "stack": stderr[-3000:]}


def project_frame(ws: Workspace, frames: list, files: set[str]) -> Location | None:
    """The first stack frame in the project's own files (not node_modules, not iacqa's helpers)."""
    for fr in frames:
        path = str(fr[0])
        rel = ws.project_path(path)
        if rel in files and "node_modules" not in path:
            return Location(rel, int(fr[1]))
    return None


def _clean(msg: str, ws: Workspace) -> str:
    for base in (str(ws.root) + "/", str(ws.root.resolve()) + "/", str(ws.root)):
        msg = msg.replace(base, "")
    return msg


def findings(run: ProgramRun, ws: Workspace, files: set[str], entry: str, tool: str, timeout: float,
             memory_mb: int, static: list[Finding] | None = None) -> list[Finding]:
    """Events of the run -> findings at the project line that threw. A SyntaxError in a file where the compiler
    already reported a parse error (TSC003) is that same error and is not reported twice."""
    out: list[Finding] = []
    unparsable = {f.file for f in static or [] if f.rule == "TSC003"}
    entry_loc = Location(entry, None)
    for e in run.events:
        kind = e.get("kind")
        loc = project_frame(ws, e.get("frames") or [], files) or entry_loc
        msg = _clean(str(e.get("message") or ""), ws).strip()
        etype = str(e.get("type") or "Error")
        first = " ".join(ln.strip() for ln in msg.splitlines() if ln.strip())[:600]
        if kind in ("exception", "rejection") and etype in ("SyntaxError", "TSError") and (
                loc.file in unparsable or any(f"{u}(" in first for u in unparsable)):
            continue
        if kind == "rejection" and (project_frame(ws, e.get("frames") or [], files) is None
                                    or "error serializing property" in first):
            # an output computed from a value the mock cloud does not model (EKS kubeconfig from the cluster's
            # certificate and OIDC issuer): iacqa's gap, reported in the stage detail, not as the program's error
            run.missing_packages.append(f"a mock value ({first[:120]})")
            continue
        if kind in ("exception", "rejection") and re.search(r"\b(EACCES|EROFS|EPERM)\b", first):
            # the program writes files while it runs (outputs files, caches): the sandbox refuses what the
            # pipeline's runner allows, so this says nothing about the program
            run.missing_packages.append(f"a file write the sandbox refuses ({first[:120]})")
            continue
        pkg = _uninstalled_declared(first)
        if kind in ("exception", "rejection") and pkg:
            run.missing_packages.append(pkg)  # iacqa's gap, not the project's: no finding, the graph is partial
            continue
        if kind in ("exception", "rejection"):
            what = "an unhandled promise rejection" if kind == "rejection" else f"{etype}"
            out.append(NodeProgramError.finding(
                f"`{tool}` fails: the program throws {what} at {loc}: {first}", location=loc,
                error=f"{etype}: {first}", fix=_fix_for(etype, first, tool)))
        elif kind == "exit":
            out.append(NodeProgramLimit.finding(
                f"the program calls process.exit({e.get('code')}) at {loc} before `{tool}` finishes", location=loc,
                error=f"process.exit({e.get('code')})", fix="throw an error or return; never exit during synth"))
        elif kind == "missing-provider":
            out.append(_missing_provider(e, _class_line(ws, loc, str(e.get("stack_class") or "")), first, tool))
        elif kind == "override-construct":
            out.append(NodeProgramError.finding(
                f"`{tool}` fails: {loc} passes the construct {e.get('target')} in `addOverride('{e.get('path')}', "
                "[...])`; an override is written as is, and cdktf cannot resolve a construct in it, so the synth "
                "stops at app.synth() (iacqa replaced it by its reference in the analysis copy to check the rest)",
                location=loc, error=first, fix=(
                    "declare the dependency in the resource's config: `dependsOn: [resource]` (cdktf writes the "
                    "reference `type.name`), instead of a construct in addOverride('depends_on', ...)")))
        elif kind == "network":
            out.append(NodeProgramError.finding(
                f"the program opens a connection to {e.get('host')}:{e.get('port')} while it is synthesized "
                f"(at {loc})", location=loc, severity=None,
                error=f"connect ECONNREFUSED {e.get('host')}:{e.get('port')} (no network at synth in iacqa)",
                fix="do not call AWS or the internet while building the stack: read values from configuration, "
                "or use the SDK's lookups/data sources"))
    if run.status == "timeout":
        out.append(NodeProgramLimit.finding(f"`{tool}` did not finish within {timeout:.0f} s", location=entry_loc,
                                            error=f"timed out after {timeout:.0f} s",
                                            fix="find the loop or the promise that never settles"))
    elif run.status == "memory":
        out.append(NodeProgramLimit.finding(f"`{tool}` grew past {memory_mb} MB", location=entry_loc,
                                            error=f"killed at {memory_mb} MB (whole process tree)",
                                            fix="find what allocates without bound"))
    return out


def _class_line(ws: Workspace, loc: Location, cls: str) -> Location:
    """The `class X extends TerraformStack` line of the file the stack's constructor runs in (the frame is its
    `super(scope, id)`): the declaration the fix changes."""
    if not loc.file or not cls:
        return loc
    try:
        text = (ws.root / loc.file).read_text(errors="replace")
    except OSError:
        return loc
    m = re.search(r"\bclass\s+" + re.escape(cls) + r"\b[^{]*\bextends\s+[\w$.]*TerraformStack\b", text)
    return Location(loc.file, text.count("\n", 0, m.start()) + 1) if m else loc


def _missing_provider(e: dict, loc: Location, message: str, tool: str) -> Finding:
    """cdktf's ValidateProviderPresence refused a stack (js/cdktf_provider.js recorded it, then supplied the
    provider so synth went on): critical, on the authority of cdktf's own synth error."""
    stack, cls = e.get("stack") or "?", e.get("stack_class") or "the stack"
    providers = ", ".join(e.get("providers") or []) or "?"
    nested = ""
    if e.get("parent"):
        nested = (f" {cls} is a TerraformStack created inside the stack {e.get('parent')} ({e.get('parent_class')}):"
                  " a stack does not inherit its parent's provider constructs, and each TerraformStack is a separate"
                  " Terraform configuration;")
    fix = (f"make {cls} a Construct (`extends Construct`) so its resources join the parent stack and use its "
           "provider" if e.get("parent") else
           f"add the provider construct to {cls}: `new AwsProvider(this, 'aws', {{ region }})`")
    if e.get("parent"):
        fix += ", or create it beside the parent under the App with its own `new AwsProvider(this, 'aws', ...)`"
    return NodeProgramError.finding(
        f"`{tool}` fails at {loc}: the stack {stack} has resources of the {providers} provider but no provider "
        f"construct;{nested} cdktf's validation stops the synth (iacqa supplied the provider in the analysis copy "
        "to check the rest)", location=loc, error=message, fix=fix,
        stack=stack, providers=e.get("providers") or [], supplied_for_analysis=e.get("supplied") or [])


def _uninstalled_declared(message: str) -> str | None:
    m = re.search(r"Cannot find (?:module|package) '([^'./][^']*)'", message)
    if not m:
        return None
    name = m.group(1)
    pkg = "/".join(name.split("/")[:2]) if name.startswith("@") else name.split("/")[0]
    from iacqa.toolchain.scaffold import DECLARED

    return pkg if pkg in DECLARED else None


def missing_note(run: ProgramRun) -> str:
    if not run.missing_packages:
        return ""
    pkgs = ", ".join(sorted(set(run.missing_packages)))
    return (f"; the program needs {pkgs}, which iacqa's toolchain or mock cloud does not provide (the pipeline's "
            "has it): graph partial, not a finding")


def _fix_for(etype: str, message: str, tool: str) -> str:
    if "Missing required configuration variable" in message:
        return ("the pipeline deploys with only the stack's `env` setting: read the value with config.get() and a "
                "default, or from the environment")
    if "Cannot find module" in message:
        return "ship the module in the project or fix the import path (imports resolve from the importing file)"
    if "ENOENT" in message or "no such file" in message.lower() or "Cannot find asset" in message:
        return "ship the file/directory, or build the path from __dirname so it resolves where synth runs"
    if etype in ("TypeError", "ReferenceError"):
        return "fix the expression: it reads a property of undefined or a name that does not exist at run time"
    if etype in ("ValidationError",) or "Validation failed" in message:
        return "change the construct's props so that CDK's validation passes (the message is CDK's own)"
    return f"fix the error: `{tool}` stops at the first one and nothing is deployed"
