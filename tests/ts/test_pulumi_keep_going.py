"""Pulumi TS keeps going past a run-time error in the project's own code (as CDK/CDKTF TS do): the statement that
threw is stubbed on the analysis copy and the program runs again under the mocks, so one run reports every
independent error and the graph holds what the program declares once that line is fixed."""

from __future__ import annotations

import pytest

from iacqa.ingest.task import load

from .conftest import FIXTURES

pytestmark = pytest.mark.slow


def test_pulumi_ts_keeps_going_past_a_type_error(toolchain) -> None:
    """A CDK-style `bucket.grantRead(...)` throws at line 10; a Lambda on nodejs12.x (LIM002) and a queue and a
    topic are declared after it. Both errors are reported, the later resources are in the graph with their inputs
    resolved, and what the graph rules find is `revealed_by` the TypeError."""
    from iacqa.pipeline import analyze

    result = analyze(FIXTURES / "pulumi_two_errors", stages=("ingest", "graph", "check"))
    thrown = [f for f in result.findings if f.rule == "TSP001"]
    assert [(f.file, f.line) for f in thrown] == [("lib/tap-stack.ts", 10)], thrown
    assert "bucket.grantRead is not a function" in thrown[0].message and thrown[0].revealed_by is None
    lim = [f for f in result.findings if f.rule == "LIM002"]
    assert [(f.file, f.line) for f in lim] == [("lib/tap-stack.ts", 24)], [(f.rule, f.line) for f in result.findings]
    assert "nodejs12.x" in lim[0].message and lim[0].revealed_by == thrown[0].fingerprint


def test_pulumi_ts_graph_after_the_stubbed_statement(toolchain) -> None:
    from iacqa.frontends import for_platform

    r = for_platform("pulumi", "ts").build(load(FIXTURES / "pulumi_two_errors", None), {})
    first = next(f for f in r.findings if f.rule == "TSP001")
    assert r.graph.revealed_by == first.fingerprint and "1 statement(s) that threw stubbed" in r.detail, r.detail
    types = {res.type: res for res in r.graph}
    assert {"AWS::S3::Bucket", "AWS::IAM::Role", "AWS::Lambda::Function", "AWS::SQS::Queue",
            "AWS::SNS::Topic"} <= set(types), r.detail
    fn = types["AWS::Lambda::Function"]
    assert not fn.unresolved and fn.location.line == 21 and fn.get("Runtime") == "nodejs12.x"
    # the bucket declared before the throw resolved too: its name reaches the function's environment
    assert fn.native_properties["environment"]["variables"]["BUCKET"].startswith("uploads-dev")
    assert types["AWS::SQS::Queue"].get("VisibilityTimeout") == 60 and not types["AWS::SQS::Queue"].unresolved


def test_a_module_that_does_not_parse_is_not_stubbed() -> None:
    """V8's parse error names a line of the transpiled JavaScript (corpus pulumi-ts Pr4862: `await` outside an
    async function, reported at 203 for .ts line 214): stubbing it would edit another statement. A SyntaxError
    thrown while running (JSON.parse) is an ordinary run-time error."""
    from iacqa.frontends.node.keep_going import _unparsable

    parse = {"type": "SyntaxError", "frames": [["/p/lib/tap-stack.ts", 203, 0, "syntax"], ["/modules/cjs/loader", 1, 1, ""]]}
    json_parse = {"type": "SyntaxError", "frames": [["/p/lib/tap-stack.ts", 12, 20, "at new TapStack (...)"]]}
    assert _unparsable(parse) and _unparsable({"type": "TSError", "frames": []})
    assert not _unparsable(json_parse)


def test_values_taken_from_a_stub_read_as_unresolved(toolchain) -> None:
    """The statement declaring the bucket throws and is stubbed: the policy's bucket/policy inputs and the queue
    name interpolated from it are unresolved (rules skip them), not the proxy's '{}' or '[object Object]-jobs',
    and the uses of the stub are not reported as errors of their own."""
    from iacqa.frontends import for_platform

    r = for_platform("pulumi", "ts").build(load(FIXTURES / "pulumi_stub_used", None), {})
    assert [(f.rule, f.line) for f in r.findings if f.rule == "TSP001"] == [("TSP001", 8)], r.findings
    policy = next(res for res in r.graph if res.type == "AWS::S3::BucketPolicy")
    assert policy.native_properties["bucket"] == policy.native_properties["policy"] == "<unresolved stub>"
    queue = next(res for res in r.graph if res.type == "AWS::SQS::Queue")
    assert queue.get("VisibilityTimeout") == 60 and "object" not in str(queue.native_properties.get("name"))
