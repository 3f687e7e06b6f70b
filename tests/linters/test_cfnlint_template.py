"""cfn-lint adapter: matches on a real template become findings with file, line, resource, attribute and a fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from iacqa.frontends.cloudformation.cfnlint import run
from iacqa.model import Category, Severity
from iacqa.pipeline import analyze

LINT = Path(__file__).parents[1] / "fixtures" / "cloudformation" / "lint"


@pytest.fixture(scope="module")
def everything():
    return run(LINT / "lib" / "TapStack.yml", LINT, drop_covered=False)


def _by(findings, symbol, resource=None):
    return [f for f in findings if f.symbol == symbol and (resource is None or f.resource == resource)]


def test_unknown_property_is_an_sdk_api_finding_with_a_rename(everything) -> None:
    f, = _by(everything, "E3002", "Queue")
    assert (f.rule, f.file, f.line, f.attribute) == ("CFN001", "lib/TapStack.yml", 12, "VisibilityTimeoutSeconds")
    assert f.category is Category.SDK_API and f.severity is Severity.CRITICAL
    assert f.error.startswith("E3002: Additional properties are not allowed ('VisibilityTimeoutSeconds'")
    assert f.fix == "rename VisibilityTimeoutSeconds to VisibilityTimeout"


def test_misspelt_required_property_is_one_finding(everything) -> None:
    # cfn-lint says it twice (E3003 RoleARN required, E3002 RoleArn unexpected); the rename explains both.
    assert not _by(everything, "E3003", "Recorder")
    f, = _by(everything, "E3002", "Recorder")
    assert (f.line, f.attribute, f.fix) == (30, "RoleArn", "rename RoleArn to RoleARN")


def test_out_of_range_value_is_an_aws_limit(everything) -> None:
    f, = _by(everything, "E3034", "Queue")
    assert (f.rule, f.line, f.attribute) == ("CFN002", 13, "DelaySeconds")
    assert f.category is Category.AWS_LIMIT and "greater than the maximum of 900" in f.error
    assert f.fix == "use a value at most 900"


def test_wrong_getatt_is_wiring_with_the_valid_attribute(everything) -> None:
    f, = _by(everything, "E1010", "Mapping")
    assert (f.rule, f.line, f.attribute, f.fix) == ("CFN003", 34, "EventSourceArn", "use Arn")
    assert f.category is Category.WIRING


def test_warnings_are_hygiene(everything) -> None:
    f, = _by(everything, "W2001")
    assert (f.rule, f.line, f.category, f.severity) == ("CFN005", 4, Category.HYGIENE, Severity.LOW)


def test_ranges_are_left_to_lim001_in_the_pipeline() -> None:
    assert not _by(run(LINT / "lib" / "TapStack.yml", LINT), "E3034")
    result = analyze(LINT, stages=("ingest", "graph", "check"))
    at13 = [f for f in result.findings if f.line == 13]
    assert [f.rule for f in at13] == ["LIM001"], "DelaySeconds 1000 is reported once"
    assert len([f for f in result.findings if f.rule == "CFN003"]) == 1, "resolution and cfn-lint agree on one"


def test_broken_yaml_is_a_syntax_finding(tmp_path: Path) -> None:
    bad = tmp_path / "t.yaml"
    bad.write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n"
                   "   Properties: [\n")
    found = run(bad, tmp_path)
    assert found and all(f.file == "t.yaml" and f.line for f in found)
    assert {f.category for f in found} == {Category.SYNTAX}
