"""Model vs ideal: matched by rule and subject, not by line."""

from __future__ import annotations

import json

from iacqa.report.compare import compare, compare_to_text, match_key
from tests.report import results as R


def test_fixed_introduced_and_shared() -> None:
    data = compare(R.model_result(), R.ideal_result())
    fixed = sorted({f["rule"] for f in data["fixed_by_ideal"]})
    assert fixed == ["LIM001", "LNT-G004", "RTE001", "SDK001", "TST004"]
    assert [f["rule"] for f in data["introduced_by_ideal"]] == ["IAM001"]
    both = [f["rule"] for f in data["in_both"]]
    assert sorted(both) == ["CKV_AWS_117", "LNT-G004", "LNT-G004", "QTA001"]
    qta = next(f for f in data["in_both"] if f["rule"] == "QTA001")
    assert qta["line"] == 95  # the model's place; the ideal has it at line 101
    assert sum(1 for f in data["fixed_by_ideal"] if f["rule"] == "LNT-G004") == 11  # 13 in model, 2 in ideal
    assert data["summary"] == {"fixed": 16, "introduced": 1, "in_both": 4, "blockers_fixed": 4,
                               "blockers_remaining": 1, "blockers_introduced": 0}
    assert data["model"]["deployable"] is False and data["ideal"]["deployable"] is False
    assert data["ideal"]["blockers"] == ["QTA001@lib/tap_stack.py:101"]
    json.dumps(data)


def test_suppressed_findings_are_not_compared() -> None:
    data = compare(R.model_result(), R.ideal_result())
    assert "HYG001" not in {f["rule"] for k in ("fixed_by_ideal", "in_both") for f in data[k]}


def test_key_ignores_lines() -> None:
    assert match_key(R.lim001(line=120)) == match_key(R.lim001(line=133))
    assert match_key(R.lim001()) != match_key(R.lim001().with_(resource="other-config"))
    no_subject = R.tests_integration()
    assert match_key(no_subject) == match_key(no_subject.with_(line=7))
    msg = R.checkov().with_(resource=None, message="bad thing at line 12")
    assert match_key(msg) == match_key(msg.with_(message="bad thing at line 40"))


def test_same_result_compares_to_itself() -> None:
    data = compare(R.model_result(), R.model_result())
    assert data["fixed_by_ideal"] == [] and data["introduced_by_ideal"] == []
    assert len(data["in_both"]) == 20


def test_text() -> None:
    out = compare_to_text(compare(R.model_result(), R.ideal_result()))
    lines = out.splitlines()
    assert lines[0] == "model: NOT DEPLOYABLE (5 blockers), 20 findings"
    assert lines[1] == "ideal: NOT DEPLOYABLE (1 blocker), 5 findings"
    assert "FIXED BY THE IDEAL RESPONSE (16)" in out and "ONLY IN THE IDEAL RESPONSE (1)" in out
    assert ("  [critical] LIM001 lib/tap_stack.py:120 (webhook-lambda-config-dev.maximum_retry_attempts): "
            "maximum_retry_attempts=5") in out
    assert "  [high] IAM001 lib/tap_stack.py:160 (webhook-policy-dev.policy):" in out
    assert out.index("FIXED BY") < out.index("IN BOTH") < out.index("ONLY IN THE IDEAL")
