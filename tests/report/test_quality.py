"""The training-quality rubric (training-quality-guide v2.1) computed from iacqa's model-vs-ideal comparison."""

from __future__ import annotations

import pytest

from iacqa.report import quality
from tests.batch.fixtures import finding, result

THREE = {"AWS::SQS::Queue": 1, "AWS::Lambda::Function": 1, "AWS::DynamoDB::Table": 1, "AWS::IAM::Role": 1}
TWO = {"AWS::S3::Bucket": 1, "AWS::CloudFront::Distribution": 1}


def _f(rule: str, cat: str, n: int = 0, **kw) -> dict:
    return finding(rule, cat, resource=f"r{n}", fingerprint=f"{rule}-{n}", **kw)


def _score(model_findings: list, ideal_findings: list | None = None, by_type: dict | None = None, **kw) -> dict:
    m = result("/t/x", "model", findings=model_findings, by_type=by_type or TWO)
    i = result("/t/x", "ideal", findings=ideal_findings or [], by_type=by_type or TWO)
    return quality.score(m, i, kw.pop("metadata", {"language": "yaml", "platform": "cfn"}), **kw)


def test_two_category_a_fixes_and_capped_complexity_give_10() -> None:
    # Example 1 of the guide: IAM and encryption fixed, 3+ services with KMS: 8 + 2 + 2 = 12 -> 10
    q = _score([_f("PRM001", "iam-missing"), _f("SEC001", "security"), _f("HYG001", "hygiene")],
               by_type={**THREE, "AWS::KMS::Key": 1})
    assert q["failures_adjustment"] == 2 and q["complexity"]["adjustment"] == 2
    assert q["raw"] == 12 and q["score"] == 10
    assert [f["rule"] for f in q["fixes"]["A"]] == ["PRM001", "SEC001"]
    assert [f["factor"] for f in q["complexity"]["factors"] if f["applied"]] == [
        "multiple services (3+) with integrations", "security best practices (KMS, secrets, encryption, WAF)"]


def test_only_category_b_keeps_8() -> None:
    q = _score([_f("LIM001", "aws-limit"), _f("HYG001", "hygiene")])
    assert (q["failures_adjustment"], q["complexity"]["adjustment"], q["score"]) == (0, 0, 8)


@pytest.mark.parametrize(("n", "adj"), [(0, -4), (1, -4), (2, -4), (3, -3), (4, -1), (5, -1), (6, -2), (9, -2)])
def test_only_category_c_follows_the_decision_tree(n: int, adj: int) -> None:
    q = _score([_f(f"LNT{i:03d}", "lint", i) for i in range(n)])
    assert q["failures_adjustment"] == adj
    assert q["score"] == 8 + adj


def test_a_finding_fixed_many_times_is_one_fix_and_shared_ones_are_not_fixes() -> None:
    same = [_f("HYG001", "hygiene", i) for i in range(21)]
    kept = _f("SEC002", "security", 99)
    q = _score([*same, kept], [kept])
    assert q["fixes"]["B"] == [{**q["fixes"]["B"][0], "rule": "HYG001", "count": 21}]
    assert q["fixes"]["A"] == []


def test_single_service_penalty_and_requirement_fix() -> None:
    m = result("/t/x", "model", by_type={"AWS::S3::Bucket": 2},
               requirements=[{"id": "versioning", "status": "not met"}, {"id": "tags", "status": "met"},
                             {"id": "tags2", "status": "not met", "duplicate_of": "tags"}])
    i = result("/t/x", "ideal", by_type={"AWS::S3::Bucket": 2, "AWS::S3::BucketPolicy": 1},
               requirements=[{"id": "versioning", "status": "met"}, {"id": "tags", "status": "met"},
                             {"id": "tags2", "status": "met", "duplicate_of": "tags"}])
    q = quality.score(m, i, {})
    assert q["complexity"]["adjustment"] == -1
    assert [f["example"] for f in q["fixes"]["A"]] == ["versioning"]
    assert q["score"] == 8 + 1 - 1


def test_blockers_set_the_score() -> None:
    ts = "```typescript\nconst x = 1;\n```\n```json\n{}\n```"
    q = _score([_f("SEC001", "security")], ideal_text=ts, metadata={"platform": "pulumi", "language": "py"})
    assert q["score"] == 3 and q["blockers"][0]["blocker"] == "platform/language mismatch"
    assert q["failures_adjustment"] is None
    q = _score([], metadata={"language": "yaml", "aws_services": ["S3", "CloudFront", "Lambda", "DynamoDB",
                                                                   "Step Functions"]})
    assert q["score"] == 4 and "Lambda" in q["blockers"][0]["evidence"]
    py = "```python\nimport pulumi\n```"
    assert _score([], ideal_text=py, metadata={"language": "py"})["blockers"] == []


def test_no_graph_on_either_side_is_not_computable() -> None:
    m = result("/t/x", "model", by_type={}, graph_status="error")
    q = quality.score(m, result("/t/x", "ideal", by_type={}), {"training_quality": 9})
    assert q["score"] is None and q["reason"].startswith("not computable")
    assert q["metadata_training_quality"] == 9.0


@pytest.mark.parametrize(("raw", "want"), [(9, 9.0), ("9", 9.0), (8.5, 8.5), ("high", None), (None, None),
                                           (True, None)])
def test_metadata_score(raw: object, want: float | None) -> None:
    assert quality.metadata_score({"training_quality": raw}) == want


def test_agreement_figures() -> None:
    a = quality.agreement([("a", 8, 8), ("b", 10, 9), ("c", 5, 9), ("d", 9, 9.5)])
    assert a["tasks"] == 4 and a["mean_absolute_difference"] == round((0 + 1 + 4 + 0.5) / 4, 2)
    assert a["within_1"] == 0.75 and a["exact"] == 0.25
    assert [d["task"] for d in a["biggest_differences"]] == ["c", "b", "d"]


def test_markdown_follows_the_reporting_template() -> None:
    text = quality.to_markdown(_score([_f("PRM001", "iam-missing")], by_type=THREE))
    assert "**Final Score**: 10/10" in text or "**Final Score**: 9/10" in text
    for heading in ("### Scoring Breakdown", "### Category A Fixes (Significant)", "### Status: APPROVED"):
        assert heading in text


def test_a_model_response_without_code_is_a_category_a_gap() -> None:
    q = _score([_f("SYN003", "syntax", severity="critical", blocking=True)], by_type=THREE)
    assert [f["rule"] for f in q["fixes"]["A"]] == ["SYN003"] and q["failures_adjustment"] == 1
