"""The seed systems (our own reproductions of the four seed failure reports), faulty and fixed.

Faulty: every `# expect: <category>` mark of a category the enabled stages can see has a finding of that category
at that file and line. Fixed: no critical finding, and the program runs to the end.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iacqa.pipeline import analyze
from iacqa.rules.registry import get_rule
from tests.conftest import expect_marks, has_pulumi

FIXTURES = Path(__file__).parent / "fixtures"
STATIC = {"sdk-api", "aws-limit", "aws-quota", "wiring", "iam-broad", "hygiene", "lint", "syntax", "packaging"}
STAGES = ("ingest", "graph", "check", "lint")
# Seeds whose failures need neither handlers nor tests (seed 002's are all test failures: tests/frontends/terraform).
FAULTY = sorted(p for platform in ("pulumi", "cdktf") for p in (FIXTURES / platform).glob("seed*_faulty"))


def _static_rule(tag: str) -> bool:
    """A mark naming a rule id that the static stages emit (graph rules and front ends, not the emulator)."""
    rule = get_rule(tag)
    return rule is not None and rule.stage in ("check", "frontend", "ingest", "lint")


def _skip_without_sdk(project: Path) -> None:
    if "pulumi" in project.parts and not has_pulumi():
        pytest.skip("pulumi / pulumi-aws not installed")
    if "cdktf" in project.parts:
        pytest.importorskip("cdktf_cdktf_provider_aws")


@pytest.mark.parametrize("project", FAULTY, ids=[f"{p.parent.name}/{p.name}" for p in FAULTY])
def test_faulty_seed_failures_are_found_at_their_lines(project: Path) -> None:
    _skip_without_sdk(project)
    marks = [(f, line, tag) for f, line, tag in expect_marks(project) if tag in STATIC or _static_rule(tag)]
    assert marks, f"{project.name} has no static `# expect:` marks"
    result = analyze(project, stages=STAGES, options={"checkov": False})
    found = {(f.file, f.line, f.category.value) for f in result.findings}
    found |= {(f.file, f.line, f.rule) for f in result.findings}
    # Lint is reported once per code and file; the finding lists every line it stands for.
    found |= {(f.file, line, key) for f in result.findings for line in f.extra.get("lines", [])
              for key in (f.rule, f.category.value)}
    missing = [m for m in marks if m not in found]
    assert not missing, f"not found: {missing}"
    assert not result.deployable


@pytest.mark.parametrize("project", [p.with_name(p.name.replace("_faulty", "_fixed")) for p in FAULTY],
                         ids=[f"{p.parent.name}/{p.name.replace('_faulty', '_fixed')}" for p in FAULTY])
def test_fixed_seed_has_no_critical_finding(project: Path) -> None:
    _skip_without_sdk(project)
    result = analyze(project, stages=STAGES, options={"checkov": False})
    critical = [f"{f.rule} {f.file}:{f.line} {f.message}" for f in result.findings if f.severity.value == "critical"]
    assert not critical, critical
    assert next(s for s in result.stages if s.name == "graph").status == "ok"
    assert result.graph["resources"] >= 10
