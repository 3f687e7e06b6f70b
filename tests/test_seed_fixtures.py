"""The seed systems (our own reproductions of the four seed failure reports), faulty and fixed.

Faulty: every `# expect: <category>` mark of a category the enabled stages can see has a finding of that category
at that file and line. Fixed: no critical finding, and the program runs to the end.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iacqa.pipeline import analyze
from tests.conftest import expect_marks, needs_pulumi

FIXTURES = Path(__file__).parent / "fixtures" / "pulumi"
STATIC = {"sdk-api", "aws-limit", "aws-quota", "wiring", "iam-broad", "hygiene", "lint", "syntax", "packaging"}
STAGES = ("ingest", "graph", "check", "lint")
FAULTY = sorted(FIXTURES.glob("*_faulty")) if FIXTURES.is_dir() else []


@needs_pulumi
@pytest.mark.parametrize("project", FAULTY, ids=[p.name for p in FAULTY])
def test_faulty_seed_failures_are_found_at_their_lines(project: Path) -> None:
    marks = [(f, line, tag) for f, line, tag in expect_marks(project) if tag in STATIC]
    assert marks, f"{project.name} has no static `# expect:` marks"
    result = analyze(project, stages=STAGES, options={"checkov": False})
    found = {(f.file, f.line, f.category.value) for f in result.findings}
    missing = [m for m in marks if m not in found]
    assert not missing, f"not found: {missing}"
    assert not result.deployable


@needs_pulumi
@pytest.mark.parametrize("project", [p.with_name(p.name.replace("_faulty", "_fixed")) for p in FAULTY],
                         ids=[p.name.replace("_faulty", "_fixed") for p in FAULTY])
def test_fixed_seed_has_no_critical_finding(project: Path) -> None:
    result = analyze(project, stages=STAGES, options={"checkov": False})
    critical = [f"{f.rule} {f.file}:{f.line} {f.message}" for f in result.findings if f.severity.value == "critical"]
    assert not critical, critical
    assert next(s for s in result.stages if s.name == "graph").status == "ok"
    assert result.graph["resources"] >= 10
