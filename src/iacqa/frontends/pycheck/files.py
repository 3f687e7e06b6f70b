"""Which files of a project the static check reads, and the check of one file's text."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

from iacqa.frontends.pycheck.checker import Checker
from iacqa.frontends.pycheck.index import SdkIndex
from iacqa.model import Finding

# Tests are judged by the tests stage; vendored and generated trees are not the user's program.
SKIP_PREFIXES = ("tests/", "test/")
SKIP_PARTS = {"site-packages", "__pycache__", ".venv", "venv", "node_modules", "cdk.out", "cdktf.out", ".gen"}


def imports_any(text: str, roots: tuple[str, ...]) -> bool:
    """Whether the text imports one of the SDK's packages (Lambda handlers and helpers are skipped unparsed)."""
    names = "|".join(re.escape(r) for r in roots)
    return re.search(rf"^\s*(from|import)\s+({names})\b", text, re.M) is not None


def chosen(files: list[str]) -> list[str]:
    """The project's own Python program files, in a stable order."""
    return sorted(f for f in files if f.endswith(".py") and not f.startswith(SKIP_PREFIXES)
                  and not SKIP_PARTS.intersection(f.split("/")))


def check_source(index: SdkIndex, rel: str, source: str,
                 checker: Callable[[SdkIndex, str], Checker] = Checker) -> list[Finding]:
    """Findings for one file's text (rel: its project-relative path, for locations)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []  # reported by the syntax stage
    return checker(index, rel).run(tree)


def check_files(index: SdkIndex, root: Path, files: list[str],
                checker: Callable[[SdkIndex, str], Checker] = Checker) -> list[Finding]:
    """Findings for every chosen file of the project that imports the SDK."""
    out: list[Finding] = []
    for rel in chosen(files):
        try:
            text = (root / rel).read_text(errors="replace")
        except OSError:
            continue
        if imports_any(text, index.roots):
            out.extend(check_source(index, rel, text, checker))
    return out
