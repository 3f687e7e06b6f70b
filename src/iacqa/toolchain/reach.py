"""Which of a Node project's own files the entry script reaches through relative imports.

Why: `pulumi up`, `cdk synth` and `cdktf synth` load the entry and what it imports, nothing else; a file nobody
imports (an old `bin/tap.ts` next to a Pulumi.yaml whose `main` is lib/index.ts) does not stop them. Only a build
that compiles every file (`tsc` over lib/ and bin/) fails on it. TypeScript's own module resolution would need the
compiler; relative specifiers are enough here because a project's files reach each other only through them.
"""

from __future__ import annotations

import re
from pathlib import Path

_SPEC = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["'](\.{1,2}/[^"']+)["']""",
                   re.M)
_EXTS = (".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".jsx", ".json")


def _resolve(base: Path, spec: str) -> Path | None:
    target = (base.parent / spec).resolve()
    stem = target.with_suffix("") if target.suffix in (".js", ".mjs", ".cjs") else None  # NodeNext: './x.js' -> x.ts
    cands = [target, *(target.with_name(target.name + e) for e in _EXTS)]
    if stem is not None:
        cands += [stem.with_name(stem.name + e) for e in _EXTS]
    cands += [target / f"index{e}" for e in _EXTS]
    return next((c for c in cands if c.is_file()), None)


def reachable(root: Path, entry: str) -> set[str]:
    """Project-relative paths of the entry and every file it reaches by relative imports."""
    root = root.resolve()
    start = (root / entry).resolve()
    if not start.is_file():
        return set()
    seen: set[Path] = set()
    todo = [start]
    while todo:
        f = todo.pop()
        if f in seen or not f.is_relative_to(root):
            continue
        seen.add(f)
        if f.suffix == ".json":
            continue
        try:
            text = f.read_text(errors="replace")
        except OSError:
            continue
        for spec in _SPEC.findall(text):
            hit = _resolve(f, spec)
            if hit is not None and hit not in seen:
                todo.append(hit)
    return {p.relative_to(root).as_posix() for p in seen}


__all__ = ["reachable"]
