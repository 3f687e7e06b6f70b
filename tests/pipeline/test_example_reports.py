"""Reports on a real analysis (the bundled example's model response): JSON schema, SARIF schema, markdown, text."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from iacqa.model import Category, Severity
from iacqa.pipeline import analyze
from iacqa.report import compare, json_report, markdown, sarif, text
from tests.conftest import needs_pulumi

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "webhook-task"
STAGES = ("ingest", "graph", "check", "lint")


@pytest.fixture(scope="module")
def model_result():
    return analyze(EXAMPLE, response="model", stages=STAGES, options={"checkov": False})


@pytest.fixture(scope="module")
def ideal_result():
    return analyze(EXAMPLE, response="ideal", stages=STAGES, options={"checkov": False})


def test_schema_enums_match_the_taxonomy() -> None:
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text())
    finding = schema["properties"]["findings"]["items"]["properties"]
    assert finding["category"]["enum"] == [c.value for c in Category]
    assert finding["severity"]["enum"] == [s.value for s in Severity]


@needs_pulumi
def test_json_report_validates_and_carries_the_verdict(model_result) -> None:
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text())
    data = json.loads(json_report.dumps(model_result))
    jsonschema.validate(data, schema)
    assert data["verdict"]["deployable"] is False
    rules = {f["rule"] for f in data["findings"]}
    assert {"SDK001", "LIM001", "QTA001", "LNT-G004"} <= rules
    lim = next(f for f in data["findings"] if f["rule"] == "LIM001")
    assert lim["attribute"] == "maximum_retry_attempts" and lim["file"] == "lib/tap_stack.py"
    assert lim["md_line"] and lim["resource_type"] == "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"
    assert "(0 - 2), got 5" in lim["error"]
    labels = data["verdict"].get("blocker_labels") or data["verdict"]["blockers"]
    assert {b.split("@")[0] for b in labels} == {"SDK001", "LIM001", "QTA001"}


@needs_pulumi
def test_sarif_validates_against_the_official_schema(model_result) -> None:
    schema = json.loads((ROOT / "tests" / "report" / "data" / "sarif-2.1.0-rtm.5.json").read_text())
    doc = sarif.to_sarif([model_result])
    jsonschema.Draft4Validator(schema).validate(doc)
    run = doc["runs"][0]
    assert sorted(r["id"] for r in run["tool"]["driver"]["rules"]) == sorted({f.rule for f in model_result.findings})
    assert {r["level"] for r in run["results"]} <= {"error", "warning", "note"}


@needs_pulumi
def test_markdown_reads_like_the_seeds(model_result) -> None:
    md = markdown.to_markdown(model_result)
    assert md.startswith("# Model Response Failures Analysis")
    for heading in ("## Critical Failures", "**Impact Level**: Critical - Deployment Blocker", "**Error Message**:",
                    "**Root Cause**:", "**AWS Documentation Reference**:", "**Cost/Security/Performance Impact**:",
                    "## Summary", "- **Total failures**:", "- **Primary knowledge gaps**:"):
        assert heading in md, heading
    assert "maximum_retry_attempts=5" in md and "MODEL_RESPONSE.md line" in md


@needs_pulumi
def test_text_groups_by_severity(model_result) -> None:
    out = text.to_text(model_result)
    assert "NOT DEPLOYABLE" in out
    heads = [s for s in ("CRITICAL", "HIGH", "MEDIUM", "LOW") if f"\n{s} (" in out]
    assert heads[0] == "CRITICAL" and len(heads) > 1  # worst first, then the lower groups, in order
    assert [out.index(f"\n{h} (") for h in heads] == sorted(out.index(f"\n{h} (") for h in heads)


@needs_pulumi
def test_compare_model_and_ideal(model_result, ideal_result) -> None:
    data = compare.compare(model_result, ideal_result)
    fixed = {f["rule"] for f in data["fixed_by_ideal"]}
    assert {"SDK001", "LIM001", "QTA001"} <= fixed
    assert data["ideal"]["deployable"] is True
