"""The audit of a written failure analysis: claims split from MODEL_FAILURES.md, each checked against the
responses and iacqa's findings, and the blockers the analysis does not mention."""

from __future__ import annotations

import json
from pathlib import Path

from iacqa.audit import audit, to_markdown
from iacqa.audit.claims import split_claims
from iacqa.cli import main
from tests.batch.fixtures import MODEL, finding, result, write_task

CLAIM_KEYS = {"index", "title", "category", "status", "confirmed_by", "evidence"}


def _md_line(text: str) -> int:
    return next(i for i, x in enumerate(MODEL.splitlines(), 1) if text in x)


def _model_findings() -> list[dict]:
    return [
        finding("LIM001", "aws-limit", "critical", True, resource="OrdersQueue", attribute="MessageRetentionPeriod",
                md_line=_md_line("MessageRetentionPeriod: 30"), fingerprint="fp-retention",
                message="MessageRetentionPeriod=30 is outside the allowed range 60..1209600 for AWS::SQS::Queue"),
        finding("LIM001", "aws-limit", "critical", True, resource="JobsQueue", attribute="VisibilityTimeout",
                md_line=_md_line("VisibilityTimeout: 50000"), fingerprint="fp-visibility",
                message="VisibilityTimeout=50000 is outside the allowed range 0..43200 for AWS::SQS::Queue"),
        finding("HYG001", "hygiene", "high", False, resource="AlertsTopic", attribute="TopicName",
                title="physical name without the environment suffix", fingerprint="fp-suffix",
                md_line=_md_line("TopicName: alerts"),
                message="AlertsTopic: TopicName='alerts' does not contain the environment suffix `dev`"),
    ]


def test_claims_statuses_confirmations_and_missed_blockers(tmp_path: Path) -> None:
    task = write_task(tmp_path)
    got = audit(task, result(str(task), "model", findings=_model_findings()))
    assert set(got) == {"task", "claims", "missed_blockers"}
    assert all(set(c) == CLAIM_KEYS for c in got["claims"])
    by = {c["index"]: c for c in got["claims"]}
    assert [c["title"] for c in got["claims"]] == [
        "SQS retention below the minimum", "Topic name without the environment suffix",
        "Lambda timeout above the queue visibility", "Observability could be better"]  # "got right" skipped
    assert by[1]["category"].startswith("Category B")
    assert (by[1]["status"], by[1]["confirmed_by"]) == ("present", ["fp-retention"])
    assert "MODEL_RESPONSE.md:" in by[1]["evidence"]
    assert by[2]["status"] == "fixed-in-ideal" and by[2]["confirmed_by"] == ["fp-suffix"]
    assert "IDEAL_RESPONSE.md:" in by[2]["evidence"]
    assert (by[3]["status"], by[3]["confirmed_by"]) == ("absent", [])
    assert "Timeout: 900" in by[3]["evidence"]
    assert by[4]["status"] == "not-checkable"
    assert [f["fingerprint"] for f in got["missed_blockers"]] == ["fp-visibility"]


def test_markdown_review_sections(tmp_path: Path) -> None:
    task = write_task(tmp_path)
    data = result(str(task), "model", findings=_model_findings())
    text = to_markdown(audit(task, data), data["findings"])
    for heading in ("## Claims not in the response (1)", "## Confirmed by iacqa (2)", "## Not checkable offline (1)",
                    "## Missed blockers (1)"):
        assert heading in text
    assert "VisibilityTimeout=50000" in text.split("## Missed blockers")[1]


def test_without_findings_nothing_is_confirmed_or_missed(tmp_path: Path) -> None:
    got = audit(write_task(tmp_path), None)
    assert [c["status"] for c in got["claims"]] == ["present", "fixed-in-ideal", "absent", "not-checkable"]
    assert got["missed_blockers"] == [] and all(c["confirmed_by"] == [] for c in got["claims"])


def test_other_written_forms_split_into_claims() -> None:
    bullets = ("**Areas for improvement:**\n\n- **IAM Policy Scope:** `Resource: *` is too broad.\n"
               "- **No Deploy Stage:** the pipeline lacks one.\n\n## Summary\n\n- **Overall:** fine\n")
    assert [c.title for c in split_claims(bullets)] == ["IAM Policy Scope", "No Deploy Stage"]
    topics = ("# Fixes Summary\n\n## Critical Issues Fixed\n\n### Resource Deletion Protection\n"
              "- Changed KMS key `removalPolicy` from `RETAIN` to `DESTROY`\n- Set `deletionProtection` false\n\n"
              "### Missing Outputs\n- Added outputs\n\n## What Went Right\n\n### Naming\n- good\n")
    claims = split_claims(topics)
    assert [c.title for c in claims] == ["Resource Deletion Protection", "Missing Outputs"]
    numbered = ("# Failures\n\n1. **API integration is brittle**\n   Uses `uri=func.invoke_arn`.\n"
                "   - **Lesson**: check it\n2. **IAM too broad**\n   ```python\n   actions=['*']\n   ```\n")
    claims = split_claims(numbered)
    assert [c.title for c in claims] == ["API integration is brittle", "IAM too broad"]
    assert claims[1].code and "actions" in claims[1].code[0][1]
    assert split_claims("") == []


def test_cli_json_from_a_results_file(tmp_path: Path, capsys) -> None:
    task = write_task(tmp_path)
    res = tmp_path / "r.jsonl"
    res.write_text(json.dumps(result(str(task.resolve()), "model", findings=_model_findings())) + "\n")
    assert main(["audit", str(task), "--results", str(res), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [c["status"] for c in out["claims"]] == ["present", "fixed-in-ideal", "absent", "not-checkable"]
    assert main(["audit", str(tmp_path)]) == 2  # no MODEL_FAILURES.md there


def test_paraphrased_claim_confirmed_by_a_located_finding_is_present(tmp_path: Path) -> None:
    task = write_task(tmp_path, failures="# Failures\n\n### 1. Retention too short\n\nThe MessageRetentionPeriod of "
                                         "the orders queue is below the minimum SQS accepts.\n\n"
                                         "### 2. Pulumi runtime mocks\n\nTests could not use the Pulumi runtime.\n")
    f = finding("LIM001", "aws-limit", "critical", True, resource="OrdersQueue", attribute="MessageRetentionPeriod",
                md_line=_md_line("MessageRetentionPeriod: 30"), fingerprint="fp-retention")
    f2 = finding("LIM002", "aws-limit", "medium", False, resource="Fn", attribute="runtime", md_line=3,
                 fingerprint="fp-runtime", title="Lambda runtime no longer accepted")
    got = audit(task, result(str(task), "model", findings=[f, f2]))
    c1, c2 = got["claims"]
    assert (c1["status"], c1["confirmed_by"]) == ("present", ["fp-retention"])
    assert c1["evidence"].startswith("iacqa finds this failure in the response")
    assert (c2["status"], c2["confirmed_by"]) == ("not-checkable", [])  # "runtime" as a plain word is no match


def test_interpolations_and_ideal_side_quotes_are_judged_right() -> None:
    """Spot checks of the corpus audit: prose writes `{environment}` where the code has `{self.environment}`
    (present, not absent); code or names quoted as the failure that only the ideal has describe a real fix."""
    from iacqa.audit.verify import Text, verify

    model = Text('table = dynamodb.Table(self, "T",\n    table_name=f"payment_transactions_{self.environment}")\n'
                 "class Stack:\n    pass\n")
    ideal = Text('table_name=f"payment-transactions-{suffix}"\nclass TapStack(pulumi.ComponentResource):\n'
                 "    def __init__(self, name, args, opts=None):\n        super().__init__('tap:stack:TapStack', "
                 "name, None, opts)\ndef test_backend_s3_configuration():\n    assert True\n")
    naming = split_claims("## 1. Resource Naming\n\n**Model Response:**\n- Mixed naming: "
                          "`payment_transactions_{environment}` (underscores)\n")[0]
    assert verify(naming, model, ideal).status == "present"
    pattern = split_claims("## 2. TapStack Uses ComponentResource Pattern\n\n**Actual (lib/tap_stack.py):**\n"
                           "```python\nclass TapStack(pulumi.ComponentResource):\n"
                           "    def __init__(self, name, args, opts=None):\n"
                           "        super().__init__('tap:stack:TapStack', name, None, opts)\n```\n")[0]
    assert verify(pattern, model, ideal).status == "fixed-in-ideal"
    tests = split_claims("## 3. Missing backend test\n\n**Problem**: `test_backend_s3_configuration` - S3 backend "
                         "validation\n")[0]
    assert verify(tests, model, ideal).status == "fixed-in-ideal"
    wrong = split_claims("## 4. Timeout too high\n\n**Problem**: `timeout_seconds_sixty` in the function\n")[0]
    assert verify(wrong, model, ideal).status == "absent"


def test_grouped_finding_names_every_resource_it_stands_for() -> None:
    """HYG001 is one finding per file: a claim about the second name of the file is still about that finding."""
    from iacqa.audit.verify import _names

    grouped = {"resource": "aws_iam_role.ec2_role", "attribute": "name",
               "extra": {"resources": ["aws_iam_role.ec2_role", "aws_iam_role.config_role"]}}
    assert "config_role" in _names(grouped) and "ec2_role" in _names(grouped)
    call = {"resource": None, "symbol": "module.compute", "extra": {"arguments": ["instance_type", "min_size"]}}
    assert {"instance_type", "min_size", "compute"} <= set(_names(call))
