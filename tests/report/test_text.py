"""The terminal summary."""

from __future__ import annotations

from iacqa.model import Severity
from iacqa.report.text import short_error, to_text
from tests.report import results as R


def test_header_stages_and_verdict() -> None:
    out = to_text(R.model_result())
    lines = out.splitlines()
    assert lines[0] == "iacqa /corpus/tasks/seed001 [pulumi-py] response: model -> NOT DEPLOYABLE (5 blockers)"
    assert lines[1].startswith("stages: ingest ok 0.12s, graph failed 3.40s, check ok 0.20s")
    assert "  security: checkov adapter not installed" in lines
    assert "DEPLOYABLE" in to_text(R.empty_result()).splitlines()[0]
    assert "NOT" not in to_text(R.empty_result()).splitlines()[0]


def test_findings_grouped_by_severity_worst_first() -> None:
    out = to_text(R.model_result())
    heads = [out.index(f"\n{s.value.upper()} (") for s in Severity]
    assert heads == sorted(heads)
    assert "\nCRITICAL (5)\n" in out and "\nHIGH (13)\n" in out
    assert ("  lib/tap_stack.py:120 (md line 456) [LIM001] aws-limit: maximum_retry_attempts=5 is outside 0..2 for "
            "aws.lambda_.FunctionEventInvokeConfig BLOCKER") in out
    assert "      error: expected maximum_retry_attempts to be in the range (0 - 2), got 5" in out
    assert "      fix:   maximum_retry_attempts=2" in out
    assert "  <project> [TST004] tests-integration:" in out
    assert "[CKV_AWS_117] security:" in out


def test_same_problem_on_many_lines_is_one_line() -> None:
    out = to_text(R.model_result())
    g004 = [ln for ln in out.splitlines() if "[LNT-G004]" in ln]
    assert len(g004) == 1
    assert g004[0].startswith("  lib/lambda/webhook/index.py:524,551,567,")
    assert g004[0].endswith("(13x)")


def test_no_tracebacks_and_revealed_by() -> None:
    out = to_text(R.model_result())
    assert "Traceback" not in out and 'File "index.py"' not in out
    assert "      error: TypeError: Float types are not supported. Use Decimal types instead." in out
    assert "(shows once [RTE001] at lib/lambda/webhook/index.py:42 is fixed)" in out


def test_flows_and_counts() -> None:
    out = to_text(R.model_result())
    assert "\nFLOWS\n  POST /webhook:\n    apigateway -> webhook-processor-dev: invoked\n" in out
    assert "    webhook-processor-dev -> transactions-dev: error (TypeError: Float types" in out
    assert "20 findings: 5 critical, 13 high, 1 medium, 1 low (1 suppressed)" in out
    assert "by category: aws-limit 1, aws-quota 1, lint 13," in out
    assert "FLOWS" not in to_text(R.ideal_result())


def test_suppressed_findings_are_not_listed() -> None:
    assert "HYG001" not in to_text(R.model_result())


def test_color_only_when_asked() -> None:
    assert "\033[" not in to_text(R.model_result())
    colored = to_text(R.model_result(), color=True)
    assert "\033[1;31mCRITICAL (5)\033[0m" in colored


def test_unusable_input() -> None:
    out = to_text(R.unusable_result())
    assert "INPUT UNUSABLE" in out.splitlines()[0]
    assert "error: no metadata.json and no response file" in out
    assert "0 findings" in out


def test_short_error() -> None:
    tb = 'Traceback (most recent call last):\n  File "x.py", line 3, in f\n    g()\nKeyError: \'TABLE_NAME\''
    assert short_error(tb) == "KeyError: 'TABLE_NAME'"
    assert short_error("InvalidParameterValueException: bad\n") == "InvalidParameterValueException: bad"


def test_odd_flows_do_not_break_the_summary() -> None:
    r = R.empty_result()
    r.flows = [[{"source": "sqs", "target": "fn", "outcome": "ok"}], "free text", {"name": "empty"}]
    out = to_text(r)
    assert "    sqs -> fn: ok" in out and "  free text" in out and "(no hops recorded)" in out
