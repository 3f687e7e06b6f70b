"""A small CloudFormation task and its faulty twin, through the front end and the checklist."""

from __future__ import annotations

from pathlib import Path

import pytest

from iacqa.pipeline import run
from iacqa.requirements import check_requirements, coverage, requirement_findings

FIXTURES = Path(__file__).parent / "fixtures"


def _checklist(name: str):
    an = run(FIXTURES / name, "code", ("ingest", "graph"))
    prompt = (FIXTURES / name / "lib" / "PROMPT.md").read_text()
    return check_requirements(prompt, an.graph, "ok", an.graph.platform)


@pytest.fixture(scope="module")
def good():
    return _checklist("good")


@pytest.fixture(scope="module")
def bad():
    return _checklist("bad")


def test_the_correct_template_meets_every_checkable_requirement(good) -> None:
    cov = coverage(good)
    assert cov["not_met"] == 0 and cov["partly_met"] == 0 and cov["met"] >= 10
    assert requirement_findings(good) == []
    tests_item = next(r for r in good if r.concept == "offline.tests")
    assert tests_item.status == "not checkable" and "tests stage" in tests_item.reason


def test_the_faulty_template_fails_the_items_it_misses(bad) -> None:
    status = {r.concept: r for r in bad}
    assert status["dynamodb.on_demand"].status == "not met"
    assert status["dynamodb.pitr"].status == "not met"
    assert status["logs.retention"].status == "not met"
    assert "RetentionInDays=7" in status["logs.retention"].evidence[0]
    assert status["lambda.tracing"].status == "partly met"
    assert status["lambda.tracing"].resource.id == "ValidateFunction"


def test_findings_point_at_the_prompt_line_and_the_closest_resource(bad) -> None:
    findings = {f.extra["concept"]: f for f in requirement_findings(bad)}
    retention = findings["logs.retention"]
    assert retention.rule == "REQ002" and retention.severity.value == "high"  # "must"
    assert retention.file == "lib/PROMPT.md" and retention.line == 12
    assert retention.resource == "ValidateLogs" and retention.attribute == "RetentionInDays"
    tracing = findings["lambda.tracing"]
    assert tracing.rule == "REQ003" and tracing.severity.value == "medium"  # "should"
    assert findings["sqs.dlq"].severity.value == "low"  # optional enhancement
