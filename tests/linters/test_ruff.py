"""The ruff adapter: project files and Lambda code embedded in strings, lines mapped back to the IaC file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from iacqa.linters.ruff import lint, ruff_binary
from iacqa.model import CodeArtifact, Location, ResourceGraph, Severity

pytestmark = pytest.mark.skipif(ruff_binary() is None, reason="ruff not installed")

STACK = '''import logging

logger = logging.getLogger(__name__)


def make_role(id: str, name: str) -> str:
    logger.info(f"creating role {name}")
    return "x" * 10 + "-------------------------------------------------------------------------------------------------------"
'''
INLINE_AT = 12  # line of the first line of the embedded handler in lib/tap_stack.py
HANDLER = '''import json
import logging

def handler(event, context):
    logging.info(f"event {event}")
    return {}
'''


def _project(tmp_path: Path) -> Path:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "stack.py").write_text(STACK)
    return tmp_path


def test_gate_rules_on_project_files(tmp_path: Path) -> None:
    root = _project(tmp_path)
    found = lint(root, ["lib/stack.py"])
    got = {(f.rule, f.file, f.line) for f in found}
    assert ("LNT-A002", "lib/stack.py", 6) in got
    assert ("LNT-G004", "lib/stack.py", 7) in got
    assert ("LNT-E501", "lib/stack.py", 8) in got
    by_rule = {f.rule: f for f in found}
    # Lint alone is low/medium; the TAP profile's gate (LNT001, iacqa.profiles) is the high finding.
    assert by_rule["LNT-G004"].severity is Severity.LOW
    assert "f-string" in by_rule["LNT-G004"].message.lower() or "logging" in by_rule["LNT-G004"].message.lower()
    assert all(f.category.value == "lint" for f in found)


def test_inline_code_mapped_to_iac_line(tmp_path: Path) -> None:
    root = _project(tmp_path)
    g = ResourceGraph(platform="pulumi")
    g.code["fn"] = CodeArtifact(resource="fn", files={"index.py": HANDLER},
                                origin={"index.py": Location("lib/tap_stack.py", INLINE_AT)}, kind="inline")
    found = [f for f in lint(root, [], g)]
    got = {(f.rule, f.file, f.line) for f in found}
    assert ("LNT-G004", "lib/tap_stack.py", INLINE_AT + 4) in got
    assert ("LNT-F401", "lib/tap_stack.py", INLINE_AT) in got
    assert any("Lambda code of fn" in f.message for f in found)
    low = next(f for f in found if f.rule == "LNT-F401")
    assert low.severity is Severity.LOW


def test_directory_code_is_linted_as_project_files_not_twice(tmp_path: Path) -> None:
    root = _project(tmp_path)
    g = ResourceGraph(platform="pulumi")
    g.code["fn"] = CodeArtifact(resource="fn", files={"index.py": HANDLER},
                                origin={"index.py": Location("lib/lambda/index.py", 1)}, kind="directory")
    assert lint(root, [], g) == []


def test_fast(tmp_path: Path) -> None:
    root = _project(tmp_path)
    lint(root, ["lib/stack.py"])  # warm the binary
    t0 = time.monotonic()
    lint(root, ["lib/stack.py"])
    assert time.monotonic() - t0 < 1.0  # about 0.02 s on this machine; generous for slow CI
