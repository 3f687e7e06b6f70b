"""The three TS front ends on small projects written for these tests (bad/good twins), with the real toolchain."""

from __future__ import annotations

import pytest

from iacqa.ingest.task import load

from .conftest import FIXTURES

pytestmark = pytest.mark.slow


def _build(name: str, platform: str) -> tuple:
    from iacqa.frontends import for_platform

    proj = load(FIXTURES / name, None)
    assert (proj.platform, proj.language) == (platform, "ts")
    return proj, for_platform(platform, "ts").build(proj, {})


def test_cdk_unknown_prop_is_a_critical_sdk_finding_at_its_line(toolchain) -> None:
    _, r = _build("cdk_bad", "cdk")
    f = next(f for f in r.findings if f.rule == "TSC001")
    assert (f.file, f.line, f.severity.value, f.category.value) == ("lib/tap-stack.ts", 14, "critical", "sdk-api")
    assert "TS2561" in f.error and "visibilityTimeoutSeconds" in f.message and "QueueProps" in f.message
    assert "`visibilityTimeout`" in f.fix  # the compiler's "Did you mean to write 'visibilityTimeout'?"
    # synth still runs (transpile-only): the graph shows the queue the deploy would meet next
    assert any(res.type == "AWS::SQS::Queue" for res in r.graph)


def test_cdk_good_graph_is_located_at_the_construct_and_its_props(toolchain) -> None:
    _, r = _build("cdk_good", "cdk")
    assert r.status == "ok", r.detail
    assert not [f for f in r.findings if f.severity.value == "critical"]
    q = next(res for res in r.graph if res.type == "AWS::SQS::Queue")
    assert q.location.file == "lib/tap-stack.ts" and q.location.line == 12
    assert q.get("VisibilityTimeout") == 30 and q.get("QueueName") == "orders-dev"
    assert q.location_of("VisibilityTimeout").line == 14


def test_pulumi_ts_under_mocks(toolchain) -> None:
    _, r = _build("pulumi_good", "pulumi")
    assert r.status == "ok", r.detail
    q = next(res for res in r.graph if res.type == "AWS::SQS::Queue")
    assert q.native_type == "aws:sqs/queue:Queue" and q.get("VisibilityTimeout") == 30
    assert q.location.file == "lib/tap-stack.ts" and q.location.line == 13
    assert r.graph.outputs.get("queueUrl", "").startswith("https://sqs.")


def test_cdktf_ts_synth_goes_through_terraform(toolchain) -> None:
    _, r = _build("cdktf_good", "cdktf")
    assert r.status == "ok", r.detail
    q = next(res for res in r.graph if res.native_type == "aws_sqs_queue")
    assert q.type == "AWS::SQS::Queue" and q.get("VisibilityTimeout") == 30
    assert q.location.file == "lib/tap-stack.ts" and q.location.line == 14
    # `cdktf output --outputs-file` nests outputs by stack; the integration tests read that shape
    from iacqa.testsuite.integration import outputs_file

    assert r.graph.output_stacks == {"queueUrl": "TapStackdev"}, r.graph.output_stacks
    assert outputs_file(r.graph, {"queueUrl": "https://sqs/q"}) == {"TapStackdev": {"queueUrl": "https://sqs/q"}}


def test_cdk_keeps_going_past_run_time_errors(toolchain) -> None:
    """Two independent errors that each stop `cdk synth` (a retention period CDK rejects, then a duplicate construct
    id): both are reported, the second revealed by the first, and the graph holds the rest of the stack."""
    _, r = _build("cdk_two_errors", "cdk")
    errs = [f for f in r.findings if f.rule == "TSP001"]
    assert [(f.file, f.line) for f in errs] == [("lib/tap-stack.ts", 13), ("lib/tap-stack.ts", 17)], errs
    assert "retention period" in errs[0].message and "already a Construct with name 'Orders'" in errs[1].message
    assert errs[1].revealed_by == errs[0].fingerprint and r.graph.revealed_by == errs[0].fingerprint
    assert {"AWS::SNS::Topic", "AWS::SQS::Queue"} <= {res.type for res in r.graph}, r.detail


def test_cdktf_keeps_going_past_run_time_errors(toolchain) -> None:
    """Two duplicate construct ids, each of which stops `cdktf synth`: both reported, the graph has the rest."""
    _, r = _build("cdktf_two_errors", "cdktf")
    errs = [f for f in r.findings if f.rule == "TSP001"]
    assert [(f.file, f.line) for f in errs] == [("lib/tap-stack.ts", 16), ("lib/tap-stack.ts", 18)], errs
    assert errs[1].revealed_by == errs[0].fingerprint
    assert {"aws_sqs_queue", "aws_sns_topic"} <= {res.native_type for res in r.graph}, r.detail
