"""Keep going after the program raises: run it again on a copy fixed the way the findings say.

`pulumi up` stops at the first TypeError/AttributeError, so one wrong keyword used to leave a graph of what was
declared before that line and nothing after it. Here the program runs again on a copy of the project where the
SDK names and keywords that the static check found missing are fixed as their findings say (an unknown keyword
removed, a missing class's statement stubbed: cdk_py.continuation does the same for CDK) and, while it still
raises in the project's own code, with the raising statement stubbed. Runs are 1-10 s each, so a few are allowed.
The graph kept is the last run's; each run's exception is reported with `revealed_by` = the one before it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iacqa.frontends.cdk_py import continuation
from iacqa.model import Finding, ResourceGraph

MAX_RUNS = 6
BUDGET_S = 90.0  # seconds of program runs spent continuing


@dataclass
class Continued:
    graph: ResourceGraph
    findings: list[Finding] = field(default_factory=list)  # what the later runs found, revealed_by set
    runs: int = 0
    stubs: int = 0
    completed: bool = False  # the last run finished without an exception


def first_exception(events: list[dict[str, Any]], files: set[str]) -> dict[str, Any] | None:
    """The first exception the program raised in one of the project's own files."""
    for e in events:
        if e.get("kind") == "exception" and any(fr and fr[0] in files for fr in e.get("frames") or []):
            return e
    return None


def continue_past(root: Path, files: list[str], static: list[Finding], first: Finding,
                  exc: dict[str, Any], run: Callable[[Path], tuple[ResourceGraph, list[Finding], list[dict], float]]
                  ) -> Continued | None:
    """Rerun the program on fixed copies. `static`: the static check's findings; `first`: the finding of the
    exception that stopped the original run; `run(copy_root)` -> (graph, findings, events, seconds).
    None when nothing could be fixed (the error is not in the project's code, or no same-line fix exists)."""
    py = {f for f in files if f.endswith(".py")}
    fixable = [f for f in static if f.rule in ("SDK001", "SDK002") and f.blocking and f.file in py]
    if continuation.plan(root, fixable) is None:
        fixable = []  # some static finding has no same-line fix: continue with stubs only
    rename: set[str] = set()
    stubs: list[tuple[str, int]] = []
    prev, best, spent, runs = first.fingerprint, None, 0.0, 0
    use_static = bool(fixable)
    out: list[Finding] = []
    seen: set[tuple[str, str | None]] = {(first.rule, first.error)}
    while runs < MAX_RUNS and spent < BUDGET_S:
        if not use_static:
            fp, stub = continuation.next_step(fixable, exc, py)
            if fp is not None and fp not in rename:
                rename.add(fp)
            elif stub is not None and stub not in stubs:
                stubs.append(stub)
            else:
                break
        use_static = False
        patched = continuation.plan(root, fixable, frozenset(rename), tuple(stubs))
        if not patched:
            break
        graph, found, events, seconds = _run_copy(root, patched, run)
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
              run: Callable[[Path], tuple[ResourceGraph, list[Finding], list[dict], float]]
              ) -> tuple[ResourceGraph, list[Finding], list[dict], float]:
    tmp = Path(tempfile.mkdtemp(prefix="iacqa-pulumi-fix-"))
    copy = tmp / "p"
    try:
        shutil.copytree(root, copy, symlinks=True, ignore=shutil.ignore_patterns(".git", "node_modules", "venv",
                                                                                 ".venv", "__pycache__"))
        for rel, text in patched.items():
            (copy / rel).write_text(text)
        return run(copy)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
