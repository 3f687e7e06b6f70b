"""Where in Python source a keyword argument of a constructor call is written (shared by the Python front ends).

The Pulumi mock runtime gives a constructor's call site (file:line), the CDK and CDKTF front ends find it from the
construct id (frontends/constructs.py). The AST of that call gives the line of every keyword, recursively through
nested `...Args(...)`/struct calls and dict literals, so a finding about `destination_config.on_success.destination`
points at the line the user wrote it on.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

from iacqa.model import Location


@lru_cache(maxsize=256)
def _tree(path: str, mtime: float) -> ast.Module | None:
    try:
        return ast.parse(Path(path).read_text(errors="replace"))
    except (SyntaxError, ValueError, OSError):
        return None


def _calls_at(tree: ast.Module, line: int) -> list[ast.Call]:
    hits = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and n.lineno <= line <= (n.end_lineno or n.lineno)]
    # The outermost call that starts on that line, else the innermost that spans it.
    starting = [c for c in hits if c.lineno == line]
    if starting:
        return sorted(starting, key=lambda c: (c.end_lineno or 0) - c.lineno, reverse=True)
    return sorted(hits, key=lambda c: (c.end_lineno or 0) - c.lineno)


def keyword_lines(root: Path, file: str, line: int) -> dict[str, Location]:
    """native dotted path -> Location for the resource constructor call at file:line."""
    path = root / file
    try:
        tree = _tree(str(path), path.stat().st_mtime)
    except OSError:
        return {}
    if tree is None:
        return {}
    calls = _calls_at(tree, line)
    if not calls:
        return {}
    call = calls[0]
    out: dict[str, Location] = {}
    walk_kwargs(call, "", file, out)
    return out


def walk_kwargs(call: ast.Call, prefix: str, file: str, out: dict[str, Location]) -> None:
    """Record in `out` the line of every keyword of `call` under its dotted path (`prefix` + name)."""
    for kw in call.keywords:
        if kw.arg is None:
            continue
        key = f"{prefix}{kw.arg}"
        out[key] = Location(file, kw.lineno)
        _walk_value(kw.value, key + ".", file, out)


def _walk_value(node: ast.AST, prefix: str, file: str, out: dict[str, Location]) -> None:
    if isinstance(node, ast.Call):
        walk_kwargs(node, prefix, file, out)
    elif isinstance(node, ast.Dict):
        for k, v in zip(node.keys, node.values, strict=True):
            if isinstance(k, ast.Constant) and isinstance(k.value, str):
                key = f"{prefix}{k.value}"
                out.setdefault(key, Location(file, k.lineno))
                _walk_value(v, key + ".", file, out)
    elif isinstance(node, (ast.List, ast.Tuple)) and node.elts:
        # Lists of blocks: record the first element's keys without an index (rules address list items by path).
        for elt in node.elts:
            _walk_value(elt, prefix, file, out)
