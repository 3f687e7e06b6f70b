"""CDKTF TypeScript apps that used to end with 0 stacks (every rule lost): a file cut off mid-statement, names
imported from the @cdktf/provider-aws root, a TerraformStack created inside another stack without a provider.
Each fixture is a small project written for these tests; the graph must hold what the response did declare, and
the rules must run on it."""

from __future__ import annotations

import pytest

from iacqa.ingest.task import load

from .conftest import FIXTURES

pytestmark = pytest.mark.slow


def _build(name: str, response: str | None = None):
    from iacqa.frontends import for_platform

    proj = load(FIXTURES / name, response)
    return proj, for_platform("cdktf", "ts").build(proj, {})


def _check(graph, rule_id: str) -> list:
    from iacqa.rules.context import RuleContext
    from iacqa.rules.registry import all_rules

    rule = all_rules()[rule_id]()
    return list(rule.check(RuleContext(graph=graph, platform="cdktf")))


def _types(graph) -> list[str]:
    return sorted(r.native_type for r in graph)


def test_truncated_file_is_synthesized_up_to_its_last_complete_statement(toolchain) -> None:
    proj, r = _build("truncated", "model")
    assert any(f.rule == "SYN001" and f.file == "lib/tap-stack.ts" for f in proj.findings)
    assert "lib/tap-stack.ts cut off at line 30" in r.detail and "in the analysis copy only" in r.detail, r.detail
    assert "TapStack exported for the entry" in r.detail, r.detail
    # the statement the cut fell in (the dead-letter queue) is dropped, everything before it is there
    assert _types(r.graph).count("aws_sqs_queue") == 2 and _types(r.graph).count("aws_lambda_function") == 2, r.detail
    assert "aws_s3_bucket" in _types(r.graph)
    assert r.status == "failed"  # the file does not parse: the deploy still fails
    lim = _check(r.graph, "LIM004")
    assert {(f.file, f.line) for f in lim} == {("lib/tap-stack.ts", 26)}, lim
    acl = _check(r.graph, "LIM012")
    assert [(f.file, f.line) for f in acl] == [("lib/tap-stack.ts", 13)], acl


def test_package_root_imports_are_taken_from_their_submodule_for_synth(toolchain) -> None:
    _, r = _build("root_imports")
    assert any(f.rule == "TSC001" and f.line == 1 and "S3Bucket" in f.message for f in r.findings)
    assert "3 package-root import(s) taken from their submodule in the analysis copy" in r.detail, r.detail
    assert _types(r.graph) == ["aws_s3_bucket", "aws_sqs_queue"], r.detail
    assert not [f for f in r.findings if f.rule == "TSP001"], r.findings
    lim = _check(r.graph, "LIM012")
    assert [(f.file, f.line) for f in lim] == [("lib/tap-stack.ts", 14)], lim


def test_nested_stack_without_provider_is_reported_and_synth_goes_on(toolchain) -> None:
    """Two errors cdktf raises only at app.synth() (no project line in its message): a TerraformStack created inside
    another one without a provider, and a construct in addOverride('depends_on'). Each is reported at the line that
    causes it, and synth goes on, so the worker's Lambda is checked."""
    _, r = _build("nested_stack_bad")
    errs = sorted((f for f in r.findings if f.rule == "TSP001"), key=lambda f: f.line or 0)
    assert [(f.file, f.line, f.severity.value) for f in errs] == [
        ("lib/worker-stack.ts", 11, "critical"), ("lib/worker-stack.ts", 34, "critical")], errs
    nested, override = errs
    assert "Found resources without a matching provider construct" in nested.error and "aws" in nested.error
    assert "TapStackdev/worker" in nested.message and "inside the stack TapStackdev" in nested.message
    assert "extends Construct" in nested.fix
    assert "Trying to 'resolve()' a Construct at '/resource/aws_lambda_function/" in override.error, override.error
    assert "depends_on/0/node'" in override.error and "dependsOn: [resource]" in override.fix
    assert {"aws_sqs_queue", "aws_lambda_function", "aws_iam_role", "aws_cloudwatch_log_group"} <= set(
        _types(r.graph)), r.detail
    lim = _check(r.graph, "LIM004")
    # at the environment block (lines 27-30), wherever the rule locates the key
    assert [f.file for f in lim] == ["lib/worker-stack.ts"] and 27 <= (lim[0].line or 0) <= 30, lim


def test_nested_construct_twin_is_clean(toolchain) -> None:
    _, r = _build("nested_stack_good")
    assert r.status == "ok", r.detail
    assert not [f for f in r.findings if f.rule == "TSP001"]
    assert {"aws_sqs_queue", "aws_lambda_function", "aws_iam_role"} <= set(_types(r.graph))
    assert not _check(r.graph, "LIM004")
