"""Import layers (ARCHITECTURE.md): every folder and top-level module of src/iacqa has a declared layer, and
imports only the layers its declaration allows. Function-level imports, relative imports and
`importlib.import_module("iacqa....")` count the same as top-level ones: a layer violation hidden inside a
function is still one."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "src" / "iacqa"

# Bottom to top. Each layer names the layers it may import (besides itself and the root package `iacqa`, which
# holds only the version). "BELOW" means every layer listed before it: the assembling layers at the top.
BELOW = "BELOW"
LAYERS: dict[str, set[str] | str] = {
    "__init__": set(),
    "model": set(),  # stdlib only (test below)
    "catalog": {"model"},  # finding ids, their docs and finding(): what every emitter imports
    "config": {"model", "catalog"},  # [tool.iacqa] / .iacqa.toml, inline suppressions
    "sandbox": {"model"},  # one spawn for every foreign child
    "toolchain": {"model", "sandbox"},  # the Node.js toolchain the TypeScript front ends read
    "ingest": {"model", "catalog"},  # response markdown -> files, platform detection
    "knowledge": {"model"},  # read-only facts as data
    "profiles": {"model", "catalog", "knowledge"},  # precision profiles as data
    "frontends": {"model", "sandbox", "toolchain", "knowledge", "catalog"},  # -> ResourceGraph
    "rules": {"model", "knowledge", "catalog"},  # graph rules only
    "requirements": {"model", "knowledge", "catalog"},  # prompt -> requirements -> checks on the graph
    "engine": {"model", "catalog", "config", "rules"},  # run rules, selection, suppressions
    "linters": {"model", "sandbox", "toolchain", "knowledge", "catalog"},  # ruff, cfn-lint, checkov... adapters
    "emulate": {"model", "sandbox", "toolchain", "knowledge", "catalog"},  # moto, handlers on realistic events
    "testsuite": {"model", "sandbox", "toolchain", "knowledge", "catalog", "emulate"},  # the project's own tests
    "report": {"model", "catalog"},  # json, sarif, markdown, text, compare
    "pipeline": BELOW,  # one task, stage by stage
    "audit": BELOW,  # claims checked over results
    "batch": BELOW,  # many tasks: pool or Ray, progress, resume, aggregate
    "cli": BELOW,  # argument parsing only
    "__main__": {"cli"},
}
# Folders that hold data, not code.
DATA = {"data"}
# Known violations, each with the reason and the way out. The test fails when one of them is fixed and still listed,
# so this list only shrinks.
KNOWN: dict[tuple[str, str], str] = {
    ("config.py", "rules"):
        "selectors are checked against the whole catalog, graph rules included, whose ids are only known once "
        "rules/ is imported (rules.registry.catalog()); the check belongs to the caller above the rules, or the "
        "graph rules' metadata to catalog/",
}


def _layer_of(rel: Path) -> str:
    return rel.parts[0].removesuffix(".py")


def _module_of(rel: Path) -> list[str]:
    parts = ["iacqa", *rel.with_suffix("").parts]
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imported_layers(path: Path, text: str | None = None) -> set[str]:
    """The iacqa layers a file imports, wherever the import stands."""
    rel = path.relative_to(PKG)
    package = _module_of(rel) if rel.name == "__init__.py" else _module_of(rel)[:-1]
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text() if text is None else text)):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                mod = ".".join([*base, *([node.module] if node.module else [])])
            else:
                mod = node.module or ""
            names += [f"{mod}.{a.name}" if mod == "iacqa" else mod for a in node.names]
        elif (isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name))
              and (getattr(node.func, "attr", None) or getattr(node.func, "id", None)) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names.append(node.args[0].value)
    out = set()
    for name in names:
        parts = name.split(".")
        if parts[0] == "iacqa" and len(parts) > 1 and parts[1] != "__version__":
            out.add(parts[1])
    return out


def _allowed(layer: str) -> set[str]:
    spec = LAYERS[layer]
    if spec == BELOW:
        order = list(LAYERS)
        return set(order[: order.index(layer)])
    return set(spec)


def _sources() -> list[Path]:
    return sorted(p for p in PKG.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_folder_and_module_has_a_layer() -> None:
    undeclared = []
    for entry in sorted(PKG.iterdir()):
        if entry.name.startswith((".", "__pycache__")) or entry.name.endswith(".egg-info"):
            continue
        if entry.is_dir() and entry.name in DATA:
            code = [str(p.relative_to(PKG)) for p in entry.rglob("*.py")]
            assert not code, f"{entry.name}/ is declared a data folder but holds code: {code}"
            continue
        if entry.is_dir() or entry.suffix == ".py":
            name = entry.name.removesuffix(".py")
            if name not in LAYERS:
                undeclared.append(entry.name)
    assert not undeclared, (f"{undeclared}: every folder and top-level module of src/iacqa needs a layer in "
                            "tests/meta/test_layers.py LAYERS (and in ARCHITECTURE.md): what may it import?")


def test_every_declared_layer_names_known_layers() -> None:
    for layer, spec in LAYERS.items():
        if spec != BELOW:
            assert set(spec) <= set(LAYERS), f"{layer} allows unknown layers {set(spec) - set(LAYERS)}"
            order = list(LAYERS)
            above = {s for s in spec if order.index(s) > order.index(layer)}
            assert not above, f"{layer} is declared to import {above}, which come after it in LAYERS"


@pytest.mark.parametrize("layer", [name for name in LAYERS if name != "__init__"])
def test_layer_imports(layer: str) -> None:
    allowed = _allowed(layer) | {layer}
    bad: dict[str, list[str]] = {}
    for f in _sources():
        rel = f.relative_to(PKG)
        if _layer_of(rel) != layer:
            continue
        extra = {x for x in _imported_layers(f) - allowed if (rel.as_posix(), x) not in KNOWN}
        if extra:
            bad[rel.as_posix()] = sorted(extra)
    assert not bad, f"layer {layer} imports layers it may not (allowed: {sorted(allowed)}): {bad}"


def test_known_violations_still_exist() -> None:
    fixed = [k for k in KNOWN if not (PKG / k[0]).exists() or k[1] not in _imported_layers(PKG / k[0])]
    assert not fixed, f"these layer violations are gone: remove them from KNOWN in tests/meta/test_layers.py: {fixed}"


def test_import_scan_sees_hidden_imports() -> None:
    # The scanner itself: a function-level import, a relative import and importlib all count.
    text = ("def f():\n    from iacqa.rules import registry\n    from ..pipeline import analyze\n"
            "    from . import base\n    import importlib\n    importlib.import_module('iacqa.engine.run')\n")
    assert _imported_layers(PKG / "catalog" / "probe.py", text) == {"rules", "pipeline", "engine", "catalog"}


@pytest.mark.parametrize("layer", ["model", "catalog"])
def test_bottom_layers_are_stdlib_only(layer: str) -> None:
    for f in (PKG / layer).rglob("*.py"):
        for node in ast.walk(ast.parse(f.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module.split(".")[0]]
            for n in names:
                assert n in sys.stdlib_module_names or n in ("iacqa", "__future__"), f"{f.name} imports {n}"
