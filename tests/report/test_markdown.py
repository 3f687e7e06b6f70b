"""MODEL_FAILURES.md in the seeds' form (shared/seeds/)."""

from __future__ import annotations

import re

from iacqa.model import Category, Finding, Severity
from iacqa.report.markdown import docs_for, docs_list, fenced, language, service_of, to_markdown
from tests.report import results as R

LABELS = ("**Impact Level**:", "**MODEL_RESPONSE Issue**:", "**Root Cause**:", "**AWS Documentation Reference**:",
          "**Cost/Security/Performance Impact**:")


def _entries(md: str) -> dict[str, str]:
    parts = re.split(r"^### ", md, flags=re.MULTILINE)[1:]
    return {p.splitlines()[0]: p.split("\n## ")[0] for p in parts}


def test_title_intro_and_sections_in_order() -> None:
    md = to_markdown(R.model_result())
    assert md.startswith("# Model Response Failures Analysis\n\nThis document analyzes the failures in the "
                         "MODEL_RESPONSE (pulumi-py)")
    heads = [ln for ln in md.splitlines() if ln.startswith("## ")]
    assert heads == ["## Overview", "## Critical Failures", "## High Failures", "## Medium Failures",
                     "## Low Failures", "## Summary"]
    assert "is **not deployable**: 5 critical findings" in md
    assert "Not checked: security (unavailable: checkov adapter not installed)." in md


def test_only_non_empty_sections() -> None:
    result = R.empty_result()
    result.findings = [R.lim001()]
    heads = [ln for ln in to_markdown(result).splitlines() if ln.startswith("## ")]
    assert heads == ["## Overview", "## Critical Failures", "## Summary"]


def test_every_entry_has_the_seed_sections_in_order() -> None:
    entries = _entries(to_markdown(R.model_result()))
    assert [t.split(". ")[0] for t in entries] == [str(n) for n in range(1, 9)]
    for title, body in entries.items():
        idx = [body.index(label) for label in LABELS]
        assert idx == sorted(idx), title


def test_limit_entry_reads_like_seed_001() -> None:
    entries = _entries(to_markdown(R.model_result()))
    title, body = next((t, b) for t, b in entries.items() if "maximum_retry_attempts" in t)
    assert title == "5. Value outside what the AWS API accepts: `maximum_retry_attempts`"
    assert "**Impact Level**: Critical - Deployment Blocker" in body
    assert "maximum_retry_attempts=5 is outside 0..2" in body
    assert "Location: `lib/tap_stack.py:120` (MODEL_RESPONSE.md line 456)" in body
    assert "```python\n            maximum_retry_attempts=5,\n```" in body
    assert ("**Error Message**:\n```\nexpected maximum_retry_attempts to be in the range (0 - 2), got 5\n```"
            in body)
    assert "**Fix**:\nmaximum_retry_attempts=2 (the AWS maximum)" in body
    assert "without checking the service limit" in body
    assert "**AWS Documentation Reference**:\nhttps://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html" in body
    assert "- **Deployment**: fails when the resource is created" in body


def test_sdk_and_quota_entries() -> None:
    entries = _entries(to_markdown(R.model_result()))
    sdk = next(b for t, b in entries.items() if "FunctionCodeArgs" in t)
    assert "AttributeError: module 'pulumi_aws.lambda_' has no attribute 'FunctionCodeArgs'" in sdk
    assert "the installed IaC SDK does not have" in sdk
    assert "https://www.pulumi.com/registry/packages/aws/api-docs/lambda/function/" in sdk
    assert "- **Deployment**: fails immediately at synth / preview" in sdk
    qta = next(b for t, b in entries.items() if "reserved_concurrent_executions" in t)
    assert "https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html" in qta
    assert "UnreservedConcurrentExecution below its minimum value of [100]" in qta


def test_runtime_errors_without_traceback_and_revealed_by() -> None:
    entries = _entries(to_markdown(R.model_result()))
    first_title, first = next(iter(entries.items()))
    assert first_title.startswith("1. Handler fails on a realistic event")
    assert "**Impact Level**: Critical - Runtime Blocker" in first
    assert "```\nTypeError: Float types are not supported. Use Decimal types instead.\n```" in first
    assert "Traceback" not in first
    assert "- **Deployment**: passes (the function deploys)" in first
    second = list(entries.values())[1]
    assert "Even after fixing failure 1 (Handler fails on a realistic event)" in second
    assert "https://docs.python.org/3/library/json.html" in second


def test_duplicates_are_one_entry_with_all_locations() -> None:
    md = to_markdown(R.model_result())
    entries = _entries(md)
    g004 = [b for t, b in entries.items() if "f-string" in t]
    assert len(g004) == 1
    assert ("Locations (13): `lib/lambda/webhook/index.py` lines 524, 551, 567, 576, 605, 632, 657, 681, 690, 711, "
            "724, 730, 745 (MODEL_RESPONSE.md lines 1024, 1051,") in g004[0]
    assert "- **Occurrences**: 13" in g004[0]
    assert "### 6. Logging call formatted with an f-string\n" in md  # no subject: a lint code is not one
    assert md.count("W1203 logging-fstring-interpolation") == 1


def test_lint_rule_with_different_messages_lists_each() -> None:
    result = R.empty_result()
    result.findings = [
        Finding(rule="LNT-E501", category=Category.LINT, severity=Severity.HIGH,
                title="line longer than 120 characters", message=f"Line too long ({n} > 120)",
                file="lib/tap_stack.py", line=line, snippet="x" * 10)
        for n, line in ((126, 5), (213, 16), (130, 66))
    ]
    body = _entries(to_markdown(result))["1. Line longer than 120 characters"]
    assert "3 occurrences:\n- `lib/tap_stack.py:5`: Line too long (126 > 120)\n" in body


def test_unregistered_rule_and_project_wide_finding() -> None:
    entries = _entries(to_markdown(R.model_result()))
    assert "8. Ensure that AWS Lambda function is configured inside a VPC" in entries
    tst = entries["7. Integration tests cannot find the deployment"]
    assert "Location: the project as a whole" in tst


def test_summary_like_the_seeds() -> None:
    md = to_markdown(R.model_result())
    summary = md[md.index("## Summary"):]
    assert "- **Total failures**: 5 Critical, 1 High, 1 Medium, 1 Low (20 findings in all)" in summary
    assert "- **Primary knowledge gaps**:\n  1. **Python-AWS SDK runtime behaviour**" in summary
    assert "  2. **Platform API knowledge**" in summary
    assert "- **Training value**: **HIGH**" in summary
    assert md.rstrip().splitlines()[-1].startswith("- **Training value**:")


def test_suppressed_not_reported() -> None:
    assert "hard-coded region" not in to_markdown(R.model_result())


def test_ideal_response_and_plain_code_names() -> None:
    assert "**IDEAL_RESPONSE Issue**:" in to_markdown(R.ideal_result())
    result = R.empty_result()
    result.findings = [R.lim001().with_(md_line=None)]
    md = to_markdown(result)
    assert "**Code Issue**:" in md and "the project's code" in md


def test_no_findings_and_unusable_input() -> None:
    md = to_markdown(R.empty_result())
    assert "iacqa found no failures" in md
    assert "- **Total failures**: 0 Critical, 0 High, 0 Medium, 0 Low" in md
    assert "## Critical Failures" not in md
    assert "The input could not be analyzed: no metadata.json" in to_markdown(R.unusable_result())


def test_fence_language_and_backticks() -> None:
    assert language("lib/main.tf") == "hcl" and language("lib/TapStack.yml") == "yaml"
    assert language("cdk.json") == "json" and language("lib/tap_stack.py") == "python" and language(None) == ""
    assert fenced("a = ```x```", "python") == ["````python", "a = ```x```", "````"]
    result = R.empty_result()
    result.findings = [R.lim001().with_(file="lib/main.tf", snippet='  maximum_retry_attempts = 5',
                                        fix="resource \"x\" {\n  maximum_retry_attempts = 2\n}")]
    md = to_markdown(result)
    assert "```hcl\n  maximum_retry_attempts = 5\n```" in md
    assert "**Fix**:\n```hcl\nresource" in md


def test_docs_table() -> None:
    assert service_of("aws:lambda/function:Function") == "lambda"
    assert service_of("AWS::SQS::Queue") == "sqs" and service_of("aws_dynamodb_table") == "dynamodb"
    assert service_of("aws:cloudwatch/logGroup:LogGroup") == "logs" and service_of("random") is None
    f = R.checkov()
    assert docs_for(f.with_(docs="https://example.org/x")) == "https://example.org/x"
    generic = "https://docs.aws.amazon.com/cloudformation/latest/TemplateReference/aws-template-resource-type-ref.html"
    assert docs_list(R.lim001().with_(docs=generic)) == [
        "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html", generic]
    assert docs_for(R.sdk001().with_(resource_type=None)) == "https://www.pulumi.com/registry/packages/aws/api-docs/lambda/"
    wiring = Finding(rule="WIR001", category=Category.WIRING, severity=Severity.CRITICAL, title="t", message="m",
                     resource_type="aws:sqs/queue:Queue", attribute="visibility_timeout_seconds")
    assert "sqs-visibility-timeout" in docs_for(wiring)
    assert docs_for(wiring.with_(attribute=None)) == "https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html"
    sdk = R.sdk001().with_(resource_type=None, symbol=None)
    assert docs_for(sdk, "cdktf") == "https://registry.terraform.io/providers/hashicorp/aws/latest/docs"


def test_one_error_on_several_resources_is_one_entry() -> None:
    result = R.empty_result()
    result.findings = [R.qta001().with_(resource=f"{name}-dev", message=f"function {name}-dev reserves 100")
                       for name in ("api-handler", "queue-consumer", "batch-processor", "report-generator")]
    md = to_markdown(result)
    entries = _entries(md)
    assert list(entries) == ["1. Reserved concurrency exceeds the account quota: `reserved_concurrent_executions`"]
    body = entries["1. Reserved concurrency exceeds the account quota: `reserved_concurrent_executions`"]
    assert "4 occurrences:\n- `lib/tap_stack.py:95`: function api-handler-dev reserves 100\n" in body
    assert "- **Total failures**: 1 Critical, 0 High, 0 Medium, 0 Low (4 findings in all)" in md
