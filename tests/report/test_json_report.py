"""The JSON report is the public contract: it validates against docs/report.schema.json."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from iacqa import __version__
from iacqa.model import Category, Severity
from iacqa.report import json_report
from tests.report import results as R

SCHEMA = json.loads((R.ROOT / "docs" / "report.schema.json").read_text())
ALL = {"model": R.model_result, "ideal": R.ideal_result, "empty": R.empty_result, "unusable": R.unusable_result}


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_schema_enums_are_the_taxonomy() -> None:
    finding = SCHEMA["properties"]["findings"]["items"]["properties"]
    for where in (SCHEMA["$defs"], finding):
        assert where["category"]["enum"] == [c.value for c in Category]
        assert where["severity"]["enum"] == [s.value for s in Severity]


def test_schema_lists_every_finding_key() -> None:
    assert set(SCHEMA["properties"]["findings"]["items"]["required"]) == set(json_report.FINDING_KEYS) | {"blocking"}


@pytest.mark.parametrize("name", sorted(ALL))
def test_output_validates(name: str) -> None:
    data = json_report.to_json(ALL[name]())
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert json.loads(json.dumps(data)) == data  # plain JSON values only, no default= needed


def test_schema_rejects_an_unknown_category() -> None:
    data = json_report.to_json(R.model_result())
    data["findings"][0]["category"] = "misc"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(SCHEMA).validate(data)


def test_top_level_and_task() -> None:
    data = json_report.to_json(R.model_result())
    assert list(data) == ["schema_version", "tool", "task", "stages", "verdict", "summary", "profile", "graph",
                          "flows", "findings", "error", "isolation", "requirements", "requirements_coverage"]
    assert data["schema_version"] == "1.0"
    assert data["tool"] == {"name": "iacqa", "version": __version__}
    assert data["task"]["platform"] == "pulumi" and data["task"]["response"] == "model"
    assert data["task"]["files"][0] == "lib/tap_stack.py"
    assert data["stages"][1] == {"name": "graph", "status": "failed", "seconds": 3.402,
                                 "detail": "program failed under mocks"}
    assert data["graph"]["resources"] == 14
    assert data["flows"][0]["hops"][0]["target"] == "webhook-processor-dev"
    assert data["error"] is None


def test_verdict_lists_blockers_by_fingerprint_and_label() -> None:
    result = R.model_result()
    data = json_report.to_json(result)
    v = data["verdict"]
    assert v["deployable"] is False
    blockers = {f.fingerprint: f for f in result.findings if f.blocking}
    assert set(v["blockers"]) == set(blockers) and len(v["blockers"]) == 5  # SDK, LIM, QTA, 2 x RTE
    assert "LIM001@lib/tap_stack.py:120" in v["blocker_labels"]
    assert "SDK001@lib/tap_stack.py:88" in v["blocker_labels"]
    by_fp = {f["fingerprint"]: f for f in data["findings"]}
    assert all(by_fp[fp]["blocking"] for fp in v["blockers"])
    assert len(v["blockers"]) == len(v["blocker_labels"])


def test_non_blocking_critical_keeps_the_task_deployable() -> None:
    result = R.empty_result()
    result.findings.append(R.checkov().with_(severity=Severity.CRITICAL))  # security is not a blocking category
    result.findings.append(R.lim001().with_(severity=Severity.HIGH))  # a blocking category, but not critical
    data = json_report.to_json(result)
    assert data["verdict"] == {"deployable": True, "blockers": [], "blocker_labels": []}


def test_suppressed_blocker_does_not_block() -> None:
    result = R.empty_result()
    result.findings.append(R.lim001().with_(suppressed="accepted: prompt asks for 5"))
    data = json_report.to_json(result)
    assert data["verdict"]["deployable"] is True
    assert data["summary"]["total"] == 0 and data["summary"]["suppressed"] == 1
    assert data["findings"][0]["suppressed"] == "accepted: prompt asks for 5"


def test_summary_counts_active_findings() -> None:
    data = json_report.to_json(R.model_result())
    s = data["summary"]
    assert s["by_severity"] == {"critical": 5, "high": 13, "medium": 1, "low": 1}
    assert s["total"] == 20 and s["suppressed"] == 1 and s["blocking"] == 5
    assert s["by_category"]["lint"] == 13 and "hygiene" not in s["by_category"]
    assert len(data["findings"]) == 21  # suppressed findings stay in the report


def test_findings_sorted_by_severity_then_place() -> None:
    data = json_report.to_json(R.model_result())
    ranks = [Severity(f["severity"]).rank for f in data["findings"]]
    assert ranks == sorted(ranks, reverse=True)
    critical = [(f["file"], f["line"]) for f in data["findings"] if f["severity"] == "critical"]
    assert critical == [("lib/lambda/webhook/index.py", 42), ("lib/lambda/webhook/index.py", 55),
                        ("lib/tap_stack.py", 88), ("lib/tap_stack.py", 95), ("lib/tap_stack.py", 120)]
    medium = [f["rule"] for f in data["findings"] if f["severity"] == "medium"]
    assert medium == ["HYG001", "TST004"]  # project-wide findings last within a severity


def test_finding_fields() -> None:
    data = json_report.to_json(R.model_result())
    lim = next(f for f in data["findings"] if f["rule"] == "LIM001")
    assert list(lim)[: len(json_report.FINDING_KEYS)] == list(json_report.FINDING_KEYS)
    assert lim["attribute"] == "maximum_retry_attempts" and lim["md_line"] == 456
    assert lim["error"] == "expected maximum_retry_attempts to be in the range (0 - 2), got 5"
    assert lim["category"] == "aws-limit" and lim["severity"] == "critical"
    dec = next(f for f in data["findings"] if f["line"] == 55)
    flt = next(f for f in data["findings"] if f["line"] == 42)
    assert dec["revealed_by"] == flt["fingerprint"]


def test_odd_values_become_json() -> None:
    result = R.empty_result()
    result.graph = {"resources": 1, "mapped": 1, "root": Path("/tmp/x"), "types": {"b", "a"},
                    "ratio": float("nan"), "sev": Severity.HIGH}
    result.findings.append(R.lim001().with_(extra={"limit": (0, 2), "where": Path("lib/tap_stack.py")}))
    data = json_report.to_json(result)
    assert data["graph"]["root"] == "/tmp/x" and data["graph"]["types"] == ["a", "b"]
    assert data["graph"]["ratio"] is None and data["graph"]["sev"] == "high"
    assert data["findings"][0]["extra"] == {"limit": [0, 2], "where": "lib/tap_stack.py"}
    jsonschema.Draft202012Validator(SCHEMA).validate(data)


def test_dumps_round_trips() -> None:
    text = json_report.dumps(R.model_result())
    assert json.loads(text) == json_report.to_json(R.model_result())


def test_unusable_input_reports_its_reason() -> None:
    data = json_report.to_json(R.unusable_result())
    assert data["error"] == "no metadata.json and no response file"
    assert data["findings"] == [] and data["stages"] == []
