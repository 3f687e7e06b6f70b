"""Find the project's test files and classify them: language (python | js), framework, unit | integration."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SKIP_DIRS = {".git", "node_modules", "__pycache__", ".venv", "venv", "cdktf.out", "cdk.out", ".terraform",
             ".pytest_cache", "coverage", "cfn-outputs", "dist", "build"}
_PY_TEST = re.compile(r"^(test_.*|.*_test)\.py$")
_JS_TEST = re.compile(r"^.*\.(test|spec)\.(ts|tsx|js|jsx|mjs|cjs)$")
_INTEG = re.compile(r"(^|[/._-])(integration|integ|int|e2e|end[-_]to[-_]end|deployed|live)([/._-]|$)", re.I)


@dataclass(frozen=True)
class TestFile:
    path: str  # project-relative, posix
    language: str  # python | js
    framework: str  # pytest | unittest | jest
    kind: str  # unit | integration

    __test__ = False  # not a pytest class


def classify(rel: str) -> str:
    """unit | integration from the path: a directory or a name part `integration`, `int`, `e2e`..."""
    return "integration" if _INTEG.search(rel) else "unit"


def _framework_py(text: str) -> str:
    return "unittest" if re.search(r"\bunittest\b|\bTestCase\b", text) else "pytest"


def discover(root: Path) -> list[TestFile]:
    root = Path(root)
    out: list[TestFile] = []
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if any(part in SKIP_DIRS or part.startswith(".") for part in rel.parts[:-1]):
            continue
        if not p.is_file():
            continue
        name, posix = p.name, rel.as_posix()
        if _PY_TEST.match(name):
            if name == "test_.py":
                continue
            try:
                text = p.read_text(errors="replace")
            except OSError:
                continue
            out.append(TestFile(posix, "python", _framework_py(text), classify(posix)))
        elif _JS_TEST.match(name) and not name.endswith(".d.ts"):
            out.append(TestFile(posix, "js", "jest", classify(posix)))
    return out
