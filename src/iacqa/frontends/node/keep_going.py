"""Keep a Node program (CDK/CDKTF app, Pulumi program under mocks) going past the run-time error that stopped it.

While the program throws in the project's own code, the statement that threw is stubbed in the analysis copy
(js/stub_statement.js: lines kept, the value replaced by a Proxy that absorbs reads) and the program runs again, so
the graph holds what it declares once those lines are fixed. Each later error is `revealed_by` the one before it.
The loop stops when the program completes (`done`), when an error repeats at a statement already stubbed, when the
error is not in the project's own files or is not a simple statement, when a module does not parse, when it comes
from the stub itself, and after MAX_STUBS runs or STUB_BUDGET seconds. An error at a line that uses a value a stub stands for is the
continuation's limit, not the program's: it is stubbed in turn but not reported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from iacqa.frontends.node import program
from iacqa.frontends.node.workspace import Workspace
from iacqa.model import Finding

MAX_STUBS = 4  # runs of the program after the first, each with one more statement that threw stubbed
STUB_BUDGET = 120.0  # seconds of such runs
# What a stub itself makes CDK say (it is callable, so token resolution at synth refuses it): the continuation's
# limit, not the program's error.
STUB_ARTIFACT = re.compile(r"iacqa_stub|Trying to resolve a non-data object|Resolution error: .*non-data object")


def blocking_error(run: Any) -> dict | None:
    """The first exception/rejection event of the run (the one that stopped it)."""
    return next((e for e in run.events if e.get("kind") in ("exception", "rejection")), None)


def keep_going(ws: Workspace, entry: str, own: set[str], run: Any, findings: list[Finding],
               rerun: Callable[[], Any], done: Callable[[Any], bool], tool: str, timeout: float, memory: int,
               flavour: str = "cdk", artifact: re.Pattern[str] = STUB_ARTIFACT) -> tuple[Any, list[Finding], int, str | None]:
    """(last run, findings with the later errors added, number of statements stubbed, fingerprint of the first
    error stubbed). `rerun()` runs the program again on the (edited) workspace; `done(run)` says it got far
    enough; `flavour` is passed to stub_statement.js (what the stub answers for); findings whose text matches
    `artifact` are what the stub itself made the program say, and are dropped."""
    from iacqa.toolchain import runner as noderun

    stubbed: set[tuple[str, int]] = set()
    stubs_named: set[str] = set()
    bindings: list[tuple[str, str]] | None = None
    lengths: dict[str, int] = {}  # line count of each file before its first stub: later lines are the stub's own
    first: str | None = None
    prev: str | None = None
    spent = 0.0
    while len(stubbed) < MAX_STUBS and spent < STUB_BUDGET:
        if done(run):
            break
        exc = blocking_error(run)
        if exc is None or _unparsable(exc):
            break
        site = program.project_frame(ws, exc.get("frames") or [], own) if exc else None
        if site is None or not site.file or not site.line or (site.file, site.line) in stubbed:
            break
        if site.file in lengths and site.line > lengths[site.file]:
            break  # raised inside the stub function appended to the file
        raised = next((f for f in reversed(findings) if f.file == site.file and f.line == site.line), None)
        if bindings is None:  # read before the first stub edits the sources
            bindings = _bindings(ws.root, own)
        if site.file not in lengths:
            try:
                lengths[site.file] = len((ws.root / site.file).read_text(errors="replace").splitlines())
            except OSError:
                break
        r = noderun.run([noderun.node(), noderun.script("stub_statement.js"), str(ws.root), site.file,
                         str(site.line), flavour], ws.root, timeout=60, memory_mb=1024)
        try:
            out = json.loads(r.stdout) if r.status == "ok" else {}
        except ValueError:
            out = {}
        if not out.get("ok"):
            break
        stubbed.add((site.file, site.line))
        text = str(out.get("text") or "")
        uses_stub = _mentions(stubs_named)
        if uses_stub and uses_stub.search(text):
            # it threw because it uses a value a stub stands for: the continuation's limit, not the program's
            findings = [f for f in findings if not (f.file == site.file and f.line == site.line
                                                    and f.revealed_by is not None)]
        else:
            prev = raised.fingerprint if raised else first
            first = first or prev
        stubs_named.update(str(n).removeprefix("this.") for n in out.get("names") or [])
        stubs_named = _tainted(bindings, stubs_named)
        run = rerun()
        spent += run.seconds
        more = [f.with_(revealed_by=prev) for f in program.findings(run, ws, own, entry, tool, timeout, memory,
                                                                    findings)
                if not artifact.search(f.message + (f.error or ""))]
        known = {(f.rule, f.file, f.line) for f in findings}
        uses_stub = _mentions(stubs_named)
        findings = findings + [f for f in more if (f.rule, f.file, f.line) not in known
                               and not (uses_stub and _line_matches(ws.root, f, uses_stub))]
    return run, findings, len(stubbed), first


def _unparsable(exc: dict) -> bool:
    """A module that does not parse (V8's SyntaxError names the file:line it could not read, the line of the
    transpiled JavaScript, not of the .ts): no statement to stub, and the line may point at another one.
    A SyntaxError thrown while running (`JSON.parse`) has ordinary frames and is stubbed like any error."""
    frames = exc.get("frames") or []
    return exc.get("type") == "TSError" or bool(frames and len(frames[0]) > 3 and frames[0][3] == "syntax")


_BINDING = re.compile(r"(?:\b(?:const|let|var)\s+|\bthis\.)([A-Za-z_$][\w$]*)\s*(?::[^=;]{1,200})?=(?!=)\s*([^;]{1,2000})")


def _mentions(names: set[str]) -> re.Pattern[str] | None:
    """A use of any of `names` (`vpc`, `this.vpc`; not `other.vpc`)."""
    if not names:
        return None
    return re.compile(r"(?:(?<![\w$.])|(?<=this\.))(?:" + "|".join(map(re.escape, sorted(names))) + r")\b")


def _line_matches(root: Path, f: Finding, rx: re.Pattern[str]) -> bool:
    """Whether the line a finding points at matches `rx` (uses a value a stub stands for)."""
    if not f.file or not f.line:
        return False
    try:
        line = (root / f.file).read_text(errors="replace").splitlines()[f.line - 1]
    except (OSError, IndexError):
        return False
    return bool(rx.search(line))


def _bindings(root: Path, files: set[str]) -> list[tuple[str, str]]:
    """(name, expression) of every `const/let/var name = ...` and `this.name = ...` in the project's sources."""
    out = []
    for rel in files:
        if rel.endswith((".ts", ".tsx", ".js", ".mjs", ".cjs")) and not rel.endswith(".d.ts"):
            try:
                text = (root / rel).read_text(errors="replace")
            except OSError:
                continue
            out += [(m.group(1), m.group(2)) for m in _BINDING.finditer(text)]
    return out


def _tainted(bindings: list[tuple[str, str]], names: set[str]) -> set[str]:
    """The stubbed names and every name bound from an expression that uses one (`const ep = vpc.addGatewayEndpoint(
    ...)` after `vpc` was stubbed): values a stub stands for, whose later errors are the stub's, not the program's."""
    out = set(names)
    for _ in range(5):
        rx = _mentions(out)
        grown = {name for name, expr in bindings if name not in out and rx and rx.search(expr)}
        if not grown:
            break
        out |= grown
    return out
