"""Fixture projects for the tests stage: tests/fixtures/testsuite/<case>/<faulty|fixed|...>/.

Marks: a trailing `# expect: TST010, TST011` (Python) or `// expect: TST003` (TypeScript) on the line where the
finding must point."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "testsuite"
MARK = re.compile(r"(?:#|//)\s*expect:\s*([\w,\s]+?)\s*$")


def marks(project: Path) -> set[tuple[str, int, str]]:
    out = set()
    for f in sorted(project.rglob("*")):
        if f.is_file() and f.suffix in (".py", ".ts", ".js"):
            for i, line in enumerate(f.read_text().splitlines(), 1):
                m = MARK.search(line)
                if m:
                    out |= {(f.relative_to(project).as_posix(), i, t.strip()) for t in m.group(1).split(",")}
    return out


@pytest.fixture
def copy_fixture(tmp_path: Path):
    """A fresh copy of a fixture project (the stage writes coverage/coverage-summary.json into it)."""

    def _copy(name: str) -> Path:
        dest = tmp_path / name.replace("/", "_")
        shutil.copytree(FIXTURES / name, dest)
        return dest

    return _copy
