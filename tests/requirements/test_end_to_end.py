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


def test_pipeline_reports_the_checklist_and_its_findings() -> None:
    import json

    import jsonschema

    from iacqa.pipeline import analyze
    from iacqa.report import json_report, markdown, text

    result = analyze(FIXTURES / "bad", "code", ("ingest", "graph", "check"))
    stage = next(s for s in result.stages if s.name == "requirements")
    assert stage.status == "ok" and "not met" in stage.detail
    assert result.requirements_coverage["not_met"] >= 5
    req = [f for f in result.findings if f.rule in ("REQ002", "REQ003")]
    assert req and all(f.file == "lib/PROMPT.md" for f in req)
    data = json_report.to_json(result)
    schema = json.loads((FIXTURES.parents[2] / "docs" / "report.schema.json").read_text())
    jsonschema.validate(data, schema)
    assert {r["status"] for r in data["requirements"]} >= {"met", "partly met", "not met", "not checkable"}
    assert "requirements: 4/11 checkable met" in text.to_text(result)
    assert "## Requirements from the prompt" in markdown.to_markdown(result)


def test_plain_project_takes_the_prompt_from_an_option(tmp_path) -> None:
    from iacqa.pipeline import analyze

    project = tmp_path / "proj"
    (project / "lib").mkdir(parents=True)
    (project / "lib" / "TapStack.yml").write_text((FIXTURES / "good" / "lib" / "TapStack.yml").read_text())
    (project / "metadata.json").write_text('{"platform": "cfn", "language": "yaml"}')
    prompt = tmp_path / "ask.md"
    prompt.write_text("## Requirements\n- CloudWatch log groups must have 30-day retention.\n")
    result = analyze(project, "code", ("ingest", "graph", "check"), {"prompt": str(prompt)})
    finding = next(f for f in result.findings if f.rule == "REQ002")
    assert finding.file == str(prompt) and finding.line == 2
    no_prompt = analyze(project, "code", ("ingest", "graph", "check"))
    assert no_prompt.requirements == []
    assert next(s for s in no_prompt.stages if s.name == "requirements").status == "skipped"
