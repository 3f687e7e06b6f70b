"""Keep going after the program raises: run it again on a copy fixed the way the findings say.

`pulumi up` stops at the first TypeError/AttributeError, so one wrong keyword used to leave a graph of what was
declared before that line and nothing after it. Here the program runs again on a copy of the project where the
SDK names and keywords that the static check found missing are fixed as their findings say (an unknown keyword
removed, a missing class's statement stubbed: cdk_py.continuation does the same for CDK) and, while it still
raises in the project's own code, with the raising statement stubbed. Before that, the classes of error that stop
a program before its first resource (a file that does not compile, imports that cannot work as written, a missing
`from typing import List`) are fixed in every file at once (repair.py): stubbing them one line per run used up the
runs on the imports alone. Runs are 1-10 s each, so a few are allowed.
The graph kept is the last run's; each run's exception is reported with `revealed_by` = the one before it.
"""

from __future__ import annotations

import ast
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iacqa.catalog.program import PythonSyntaxError
from iacqa.frontends.cdk_py import continuation
from iacqa.frontends.cdktf_py.patches import DELETE, apply_continuations, span
from iacqa.frontends.pulumi_py import repair
from iacqa.knowledge.naming import snake
from iacqa.model import Finding, Location, ResourceGraph

MAX_RUNS = 16
BUDGET_S = 90.0  # seconds of program runs spent continuing
UNKNOWN = "<unresolved: an argument the SDK refused, replaced by iacqa to go on>"
_IGNORE = shutil.ignore_patterns(".git", "node_modules", "venv", ".venv", "__pycache__")


@dataclass
class Continued:
    graph: ResourceGraph
    findings: list[Finding] = field(default_factory=list)  # what the later runs found, revealed_by set
    runs: int = 0
    stubs: int = 0
    completed: bool = False  # the last run finished without an exception


def first_exception(events: list[dict[str, Any]], files: set[str]) -> dict[str, Any] | None:
    """The first exception the program raised in one of the project's own files (a file that does not compile
    counts even when only the entry's loader is on the stack, and so does an input the SDK refused while
    registering one of the project's resources)."""
    for e in events:
        if e.get("kind") != "exception":
            continue
        if any(fr and fr[0] in files for fr in e.get("frames") or []) or (e.get("syntax") or {}).get("file") in files \
                or rejected_input(e, events, files):
            return e
    return None


# (resource, input) as the SDK's messages name them, most specific first: a message may name an outer resource's
# input before the inner resource that failed (`input 'health_check_id' ... resource 'hc' ... input 'type'`)
_PROCESSING = (re.compile(r"While processing resource: '(?P<res>[^']+)'.*?While processing input: '(?P<prop>\w+)'",
                          re.S),
               re.compile(r"at resource `(?P<res>[^`]+)`, property `(?P<prop>\w+)"),
               re.compile(r"While processing input: '(?P<prop>\w+)'.*?While processing resource: '(?P<res>[^']+)'",
                          re.S))


def rejected_input(exc: dict[str, Any], events: list[dict[str, Any]], files: set[str]) -> tuple[str, int, str] | None:
    """(file, line, keyword) of the argument the SDK refused while registering a resource: `types=["REGIONAL"]`
    where a string is expected fails in the SDK's serializer, after the constructor returned, so the stack holds
    none of the project's frames; the resource's construction site (recorded by the harness) says where it is."""
    message = str(exc.get("message") or "")
    m = next((hit for hit in (p.search(message) for p in _PROCESSING) if hit), None)
    if not m:
        return None
    name, prop = m.group("res"), m.group("prop")
    site = next((e for e in events if e.get("kind") == "site" and e.get("name") == name
                 and e.get("file") in files and e.get("line")), None)
    return (site["file"], int(site["line"]), snake(prop)) if site else None


def _drop_inputs(root: Path, patched: dict[str, str], drops: list[tuple[str, int, str]],
                 placeholder: set[tuple[str, int, str]] | frozenset = frozenset()) -> dict[str, str] | None:
    """`patched` with each (file, constructor line, keyword) argument removed (lines kept where they are), or,
    for those in `placeholder`, given an unknown string instead: the property stays present (a string-typed one is
    accepted), so no rule reports it missing, and rules skip `<unresolved` values."""
    out = dict(patched)
    for rel in {d[0] for d in drops}:
        text = out.get(rel)
        if text is None:
            try:
                text = (root / rel).read_text(errors="replace")
            except OSError:
                return None
        try:
            tree = ast.parse(text)
        except SyntaxError:
            return None
        edits = []
        for d in (d for d in drops if d[0] == rel):
            _, line, arg = d
            call = next((n for n in ast.walk(tree) if isinstance(n, ast.Call)
                         and n.lineno <= line <= (n.end_lineno or n.lineno)
                         and any(k.arg == arg for k in n.keywords)), None)
            kw = next((k for k in call.keywords if k.arg == arg), None) if call else None
            if kw is not None:
                edits.append(span(kw.value, repr(UNKNOWN)) if d in placeholder else span(kw, DELETE))
        new = apply_continuations(text, edits) if edits else text
        if new is None:
            return None
        out[rel] = new
    return out


def _required_renames(exc: dict[str, Any], fixable: list[Finding]) -> set[str]:
    """`Missing required property 'rest_api'` after `rest_api_id=` was removed: every unknown-keyword finding whose
    fix names that property is renamed instead (all of them at once: the same slip is usually made on every
    resource of the family)."""
    m = re.search(r"Missing required property '(\w+)'", str(exc.get("message") or ""))
    if not m:
        return set()
    out = set()
    for i, f in enumerate(fixable):
        if continuation.renamed_keyword(f) == m.group(1):
            out.add(f.fingerprint)
        elif f.rule == "SDK002" and re.match(rf"did you mean {m.group(1)}\b", (f.fix or "").strip()):
            # the closest of several names is the one the SDK requires: rename to it (plan() renames to the fix's
            # keyword when the fix names one only)
            fixable[i] = f.with_(fix=f"{m.group(1)}=")
            out.add(f.fingerprint)
    return out


def _known_name_error(exc: dict[str, Any], files: set[str]) -> tuple[str, str] | None:
    """(file, name) when the run stopped on `NameError: name 'List' is not defined` for a name repair.py knows."""
    m = re.match(r"name '(\w+)' is not defined", str(exc.get("message") or ""))
    frames = [fr for fr in exc.get("frames") or [] if fr and fr[0] in files]
    if exc.get("type") != "NameError" or not m or m.group(1) not in repair.KNOWN_NAMES or not frames:
        return None
    return frames[-1][0], m.group(1)


def continue_past(root: Path, files: list[str], static: list[Finding], first: Finding,
                  exc: dict[str, Any], run: Callable[..., tuple[ResourceGraph, list[Finding], list[dict], float]],
                  search: list[Path] | None = None, events: list[dict[str, Any]] | None = None) -> Continued | None:
    """Rerun the program on fixed copies. `static`: the static check's findings; `first`: the finding of the
    exception that stopped the original run; `run(copy_root, names)` -> (graph, findings, events, seconds), names:
    well-known names to provide (repair.KNOWN_NAMES); `search`: the directories the run imports from (the root, the
    entry's directory); `events`: the original run's. None when nothing could be fixed (the error is not in the project's code, or no same-line
    fix exists)."""
    py = {f for f in files if f.endswith(".py")}
    tmp = Path(tempfile.mkdtemp(prefix="iacqa-pulumi-base-"))
    try:
        syntax: list[tuple[str, int, str, str]] = []
        base, repaired = _repaired_base(root, files, search or [root], tmp, syntax)
        cont = _continue(base, py, static, first, exc, run, repaired, events or [])
        if cont is not None:
            # every syntax error a repair got past, not only the one the original run stopped at
            cont.findings[:0] = [PythonSyntaxError.finding(
                f"{rel}:{line} does not compile: {msg}", location=Location(rel, line), error=f"SyntaxError: {msg}",
                fix="fix the syntax error; the whole program fails to load", snippet=text,
            ).with_(revealed_by=first.fingerprint) for rel, line, msg, text in syntax
                if (rel, line) != (first.file, first.line)]
        return cont
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _repaired_base(root: Path, files: list[str], search: list[Path], tmp: Path,
                   syntax: list[tuple[str, int, str, str]]) -> tuple[Path, dict[str, str]]:
    """A copy of the project with repair.py's whole-project fixes (the project itself when there are none)."""
    repaired = repair.repair(root, files, search, imports=True, syntax_errors=syntax)
    if not repaired:
        return root, {}
    base = tmp / "p"
    shutil.copytree(root, base, symlinks=True, ignore=_IGNORE)
    for rel, text in repaired.items():
        (base / rel).write_text(text)
    return base, repaired


def _continue(root: Path, py: set[str], static: list[Finding], first: Finding, exc: dict[str, Any],
              run: Callable[..., tuple[ResourceGraph, list[Finding], list[dict], float]],
              repaired: dict[str, str], first_events: list[dict[str, Any]]) -> Continued | None:
    fixable = [f for f in static if f.rule in ("SDK001", "SDK002") and f.blocking and f.file in py]
    if continuation.plan(root, fixable) is None:
        fixable = []  # some static finding has no same-line fix: continue with stubs only
    rename: set[str] = set()
    stubs: list[tuple[str, int]] = []
    names: dict[str, str] = {}
    drops: list[tuple[str, int, str]] = []
    placeholder: set[tuple[str, int, str]] = set()
    events_of_last = first_events
    prev, best, spent, runs = first.fingerprint, None, 0.0, 0
    use_static = bool(fixable) or bool(repaired)
    out: list[Finding] = []
    seen: set[tuple[str, str | None]] = {(first.rule, first.error)}
    while runs < MAX_RUNS and spent < BUDGET_S:
        named = _known_name_error(exc, py)
        required = _required_renames(exc, fixable)
        bad_input = rejected_input(exc, events_of_last, py)
        if bad_input and bad_input not in drops:
            # the SDK refused one input of one resource while registering it (no frame of the project's own on
            # the stack): that argument becomes an unknown string, the resource and everything after it still
            # registered; if a string is refused too, the argument is left out
            drops.append(bad_input)
            placeholder.add(bad_input)
        elif bad_input and bad_input in placeholder:
            placeholder.discard(bad_input)
        elif required and required - rename:
            rename |= required
        elif named and named[1] not in names:
            # the missing import of a well-known name, and the file's other ones, provided (no line stubbed)
            text = (root / named[0]).read_text(errors="replace")
            names.update({n: repair.KNOWN_NAMES[n] for n in repair.free_known_names(text) | {named[1]}})
        elif not use_static:
            fp, stub = continuation.next_step(fixable, exc, py)
            if fp is not None and fp not in rename:
                rename.add(fp)
            elif stub is not None and stub not in stubs:
                stubs.append(stub)
            else:
                break
        use_static = False
        patched = continuation.plan(root, fixable, frozenset(rename), tuple(stubs))
        if patched is not None and drops:
            patched = _drop_inputs(root, patched, drops, placeholder)
        if patched is None or not (patched or repaired or names):
            break
        graph, found, events, seconds = _run_copy(root, patched, run, dict(names))
        events_of_last = events
        dropped_at = {(d[0], d[1]) for d in drops if d not in placeholder}
        for r in graph:
            if (r.location.file, r.location.line) in dropped_at:
                # an argument left out: what the resource lacks says nothing (no "has no fqdn" on a dropped fqdn);
                # one made unknown is still there, and rules skip unknown values
                r.unresolved = True
        runs += 1
        spent += seconds
        # the same error again on the next line (`stack.outputs[...]` six times) is one bug, reported once
        new = [f.with_(revealed_by=prev) for f in found
               if f.rule not in ("SDK001", "SDK002") and "IacqaStub" not in f.message + (f.error or "")
               and (f.rule, f.error) not in seen]
        seen.update((f.rule, f.error) for f in found)
        out.extend(new)
        exc_next = first_exception(events, py)
        best = Continued(graph, list(out), runs, len(stubs), completed=exc_next is None)
        if exc_next is None:
            break
        if new:
            prev = new[0].fingerprint
        exc = exc_next
    return best


def _run_copy(root: Path, patched: dict[str, str],
              run: Callable[..., tuple[ResourceGraph, list[Finding], list[dict], float]],
              names: dict[str, str] | None = None) -> tuple[ResourceGraph, list[Finding], list[dict], float]:
    tmp = Path(tempfile.mkdtemp(prefix="iacqa-pulumi-fix-"))
    copy = tmp / "p"
    try:
        shutil.copytree(root, copy, symlinks=True, ignore=_IGNORE)
        for rel, text in patched.items():
            (copy / rel).write_text(text)
        return run(copy, names or {})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
