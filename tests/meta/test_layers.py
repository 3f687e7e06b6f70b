"""Import layers (ARCHITECTURE.md): nothing imports a layer above it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "src" / "iacqa"
# layer -> iacqa subpackages it may import
ALLOWED = {
    "model": {"model"},
    "sandbox": {"model", "sandbox"},
    "ingest": {"model", "ingest"},
    "knowledge": {"model", "knowledge"},
    "rules": {"model", "knowledge", "rules", "config"},
    "engine": {"model", "rules", "engine", "config"},
    "linters": {"model", "sandbox", "knowledge", "linters", "rules"},
    "report": {"model", "rules", "report"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("iacqa."):
            out.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            out.update(a.name.split(".")[1] for a in node.names if a.name.startswith("iacqa."))
    return out


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports(layer: str) -> None:
    bad = {}
    for f in (PKG / layer).rglob("*.py"):
        extra = _imports(f) - ALLOWED[layer] - {"__init__"}
        if extra:
            bad[str(f.relative_to(PKG))] = sorted(extra)
    assert not bad, f"layer {layer} imports above itself: {bad}"


def test_model_is_stdlib_only() -> None:
    import sys

    for f in (PKG / "model").rglob("*.py"):
        for node in ast.walk(ast.parse(f.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module.split(".")[0]]
            for n in names:
                assert n in sys.stdlib_module_names or n in ("iacqa", "__future__"), f"{f.name} imports {n}"
