"""Shared helpers for the test suite."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "tasks"
EXPECT = re.compile(r"#\s*expect:\s*([\w,\s-]+?)\s*$")


def expect_marks(project: Path) -> list[tuple[str, int, str]]:
    """(file, line, id-or-category) for every `# expect: X` comment under a fixture project."""
    out = []
    for f in sorted(project.rglob("*")):
        if not f.is_file() or f.suffix not in (".py", ".tf", ".yaml", ".yml", ".json"):
            continue
        for i, line in enumerate(f.read_text(errors="replace").splitlines(), 1):
            m = EXPECT.search(line)
            if m:
                for tag in m.group(1).split(","):
                    out.append((f.relative_to(project).as_posix(), i, tag.strip()))
    return out


def has_pulumi() -> bool:
    try:
        import pulumi  # noqa: F401
        import pulumi_aws  # noqa: F401
    except ImportError:
        return False
    return True


needs_pulumi = pytest.mark.skipif(not has_pulumi(), reason="pulumi extra not installed")
