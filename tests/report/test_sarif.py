"""SARIF 2.1.0 output, validated against the official schema (provenance in data/PROVENANCE.md)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jsonschema
import pytest

from iacqa import __version__
from iacqa.report.sarif import to_sarif
from tests.report import results as R

DATA = Path(__file__).parent / "data"
SCHEMA_FILE = DATA / "sarif-2.1.0-rtm.5.json"
SCHEMA = json.loads(SCHEMA_FILE.read_text())
VALIDATOR = jsonschema.Draft4Validator(SCHEMA)


def test_vendored_schema_is_the_one_the_provenance_note_names() -> None:
    digest = hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest()
    assert digest in (DATA / "PROVENANCE.md").read_text()
    assert SCHEMA["properties"]["version"]["enum"] == ["2.1.0"]


@pytest.mark.parametrize("results", [
    [R.model_result()], [R.model_result(), R.ideal_result()], [R.empty_result()], [R.unusable_result()], [],
    [R.model_result(project_dir=None)],
], ids=["model", "two-tasks", "empty", "unusable", "none", "no-project-dir"])
def test_output_is_valid_sarif(results: list) -> None:
    log = to_sarif(results)
    errors = sorted(VALIDATOR.iter_errors(log), key=str)
    assert not errors, "\n".join(e.message for e in errors[:5])
    json.dumps(log)


def test_validator_is_not_vacuous() -> None:
    log = to_sarif([R.model_result()])
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert list(VALIDATOR.iter_errors(log))


def test_driver_and_only_matched_rules() -> None:
    run = to_sarif([R.model_result()])["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "iacqa" and driver["version"] == __version__ and driver["informationUri"]
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted({"SDK001", "LIM001", "QTA001", "RTE001", "LNT-G004", "CKV_AWS_117", "TST004", "HYG001"})
    for res in run["results"]:
        assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]


def test_registered_rule_is_described_from_its_docstring() -> None:
    from iacqa.rules.registry import get_rule

    rule = get_rule("LIM001")
    assert rule is not None
    desc = next(r for r in to_sarif([R.model_result()])["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "LIM001")
    assert desc["shortDescription"]["text"] == rule.title
    assert desc["fullDescription"]["text"] == rule.summary_line()
    assert "What it finds" in desc["help"]["text"]
    assert desc["properties"]["category"] == "aws-limit" and desc["properties"]["severity"] == "critical"
    assert desc["name"].isalnum()


def test_unregistered_rule_uses_the_findings_own_title() -> None:
    rules = to_sarif([R.model_result()])["runs"][0]["tool"]["driver"]["rules"]
    ckv = next(r for r in rules if r["id"] == "CKV_AWS_117")
    assert ckv["shortDescription"]["text"] == "Ensure that AWS Lambda function is configured inside a VPC"
    assert ckv["properties"] == {"category": "security", "severity": "low", "tags": ["security"],
                                 "security-severity": "2.0"}
    assert ckv["fullDescription"]["text"] == ckv["shortDescription"]["text"]
    assert "help" not in ckv


def test_results_levels_locations_fingerprints() -> None:
    model = R.model_result()
    run = to_sarif([model])["runs"][0]
    by_rule = {}
    for res in run["results"]:
        by_rule.setdefault(res["ruleId"], res)
    lim = by_rule["LIM001"]
    assert lim["level"] == "error"
    phys = lim["locations"][0]["physicalLocation"]
    assert phys["artifactLocation"] == {"uri": "lib/tap_stack.py", "uriBaseId": "PROJECTROOT"}
    assert phys["region"]["startLine"] == 120
    assert lim["partialFingerprints"] == {"iacqa/v1": R.lim001().fingerprint}
    assert lim["properties"]["attribute"] == "maximum_retry_attempts"
    assert lim["properties"]["error"].startswith("expected maximum_retry_attempts")
    assert "maximum_retry_attempts=5" in lim["message"]["text"]
    assert by_rule["LNT-G004"]["level"] == "error"  # high
    assert by_rule["TST004"]["level"] == "warning" and "locations" not in by_rule["TST004"]  # medium, no file
    assert by_rule["CKV_AWS_117"]["level"] == "note"  # low
    assert run["originalUriBaseIds"]["PROJECTROOT"]["uri"] == "file:///tmp/iacqa-work/seed001-model/"
    assert len(run["results"]) == len(model.findings)


def test_suppressed_finding_carries_a_suppression() -> None:
    run = to_sarif([R.model_result()])["runs"][0]
    hyg = next(r for r in run["results"] if r["ruleId"] == "HYG001")
    # the suppression comes from a comment in the analysed file: SARIF's "inSource" kind, accepted
    assert hyg["suppressions"] == [{"kind": "inSource", "status": "accepted",
                                    "justification": "iacqa: ignore[HYG001] shared account"}]


def test_several_tasks_get_their_own_base() -> None:
    run = to_sarif([R.model_result(), R.ideal_result()])["runs"][0]
    bases = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"]
             for r in run["results"] if "locations" in r and "physicalLocation" in r["locations"][0]}
    assert bases == {"TASK1", "TASK2"}
    assert set(run["originalUriBaseIds"]) == {"TASK1", "TASK2"}
    assert {r["properties"]["task"] for r in run["results"]} == {"/corpus/tasks/seed001"}


def test_invocation_notes_unavailable_stages_and_unusable_input() -> None:
    inv = to_sarif([R.model_result()])["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is True
    assert any("security unavailable" in n["message"]["text"] for n in inv["toolExecutionNotifications"])
    assert to_sarif([R.unusable_result()])["runs"][0]["invocations"][0]["executionSuccessful"] is False
