"""The Terraform evaluator's modules import each other in one direction only.

Every import counts, including those inside functions (a function-level import hides a cycle from the
interpreter, not from the design) and `__import__(...)` calls, which this test forbids outright.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import iacqa.frontends.terraform as pkg

PACKAGE = "iacqa.frontends.terraform"
ROOT = Path(pkg.__path__[0])
MODULES = sorted(p.stem for p in ROOT.glob("*.py") if p.stem != "__init__")


def _imports(module: str) -> set[str]:
    """The sibling modules that `module` imports anywhere in its source."""
    tree = ast.parse((ROOT / f"{module}.py").read_text())
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            name = node.module
            if name == PACKAGE:
                out |= {a.name for a in node.names if a.name in MODULES}
            elif name.startswith(PACKAGE + "."):
                out.add(name[len(PACKAGE) + 1:].split(".")[0])
        elif isinstance(node, ast.Import):
            out |= {a.name[len(PACKAGE) + 1:].split(".")[0] for a in node.names if a.name.startswith(PACKAGE + ".")}
    return out - {module}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state and (found := visit(m)):
                return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state and (found := visit(n)):
            return found
    return None


def test_no_import_cycle_among_the_terraform_modules() -> None:
    graph = {m: _imports(m) for m in MODULES}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_evaluator_layering() -> None:
    graph = {m: _imports(m) for m in MODULES}
    assert graph["values"] == set()
    assert graph["model"] == set()
    assert graph["functions"] <= {"values"}
    assert "expressions" not in graph["functions"] | graph["model"] | graph["values"]


def test_the_cycle_detector_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("module", MODULES)
def test_no_dynamic_imports(module: str) -> None:
    tree = ast.parse((ROOT / f"{module}.py").read_text())
    calls = [n.lineno for n in ast.walk(tree)
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "__import__"]
    assert calls == [], f"{module}.py uses __import__ at lines {calls}"


@pytest.mark.parametrize("module", ["values", "model", "functions", "expressions", "config"])
def test_each_evaluator_module_imports_alone(module: str) -> None:
    proc = subprocess.run([sys.executable, "-c", f"import {PACKAGE}.{module}"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
