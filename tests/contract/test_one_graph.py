"""One graph for every platform: the same small stack written for each of the five front ends gives the same graph.

The stack (tests/fixtures/contract/<platform>/): queue `orders` with DLQ `orders-dlq` (maxReceiveCount 3), function
`worker` (python3.12, 256 MB, 30 s) fed by the queue (batch 10), table `orders-table` with a NEW_IMAGE stream,
topic `orders-events`, role `worker-role` (AWSLambdaBasicExecutionRole + an inline policy on the queue and topic).
The projection keeps the properties the stack sets, with every reference replaced by the resource it names; the
graph rules must then report the same findings on every platform, since they never branch on the platform.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from iacqa.engine.run import run_rules
from iacqa.frontends import for_platform
from iacqa.ingest.task import load
from iacqa.model import ResourceGraph
from iacqa.rules.context import RuleContext

FIXTURES = Path(__file__).parents[1] / "fixtures" / "contract"
PLATFORMS = {"pulumi": "pulumi", "terraform": "tf", "cdktf": "cdktf", "cloudformation": "cfn", "cdk": "cdk"}
NAME = {"AWS::SQS::Queue": "QueueName", "AWS::Lambda::Function": "FunctionName", "AWS::DynamoDB::Table": "TableName",
        "AWS::SNS::Topic": "TopicName", "AWS::IAM::Role": "RoleName"}
PATHS = {
    "AWS::SQS::Queue": ["QueueName", "VisibilityTimeout", "RedrivePolicy.maxReceiveCount",
                        "RedrivePolicy.deadLetterTargetArn"],
    "AWS::Lambda::Function": ["FunctionName", "Runtime", "Handler", "MemorySize", "Timeout", "Role",
                              "Environment.Variables.TABLE_NAME", "Environment.Variables.TOPIC_ARN"],
    "AWS::Lambda::EventSourceMapping": ["EventSourceArn", "FunctionName", "BatchSize"],
    "AWS::DynamoDB::Table": ["TableName", "BillingMode", "KeySchema", "AttributeDefinitions",
                             "StreamSpecification.StreamViewType"],
    "AWS::SNS::Topic": ["TopicName"],
    "AWS::IAM::Role": ["RoleName", "ManagedPolicyArns", "AssumeRolePolicyDocument", "Policies"],
}


def _ref(graph: ResourceGraph, value: Any) -> Any:
    if isinstance(value, str):
        hit = graph.resolve_resource(value)
        if hit is not None and hit.type in NAME:
            return f"ref:{hit.type}:{hit.get(NAME[hit.type])}"
        return value
    if isinstance(value, dict):
        return {k: _ref(graph, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_ref(graph, v) for v in value]
    return value


def _statements(doc: Any) -> list[dict[str, Any]]:
    if isinstance(doc, str):
        doc = json.loads(doc)
    out = []
    for st in (doc or {}).get("Statement", []):
        norm = {}
        for key, value in st.items():
            if key == "Sid":
                continue
            norm[key] = sorted(value) if isinstance(value, list) else [value] if key in ("Action", "Resource") \
                else value
        out.append(norm)
    return sorted(out, key=lambda s: json.dumps(s, sort_keys=True))


def projection(graph: ResourceGraph) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for r in graph:
        if r.type not in PATHS:
            continue
        props: dict[str, Any] = {}
        for path in PATHS[r.type]:
            value = r.get(path)
            if path == "AssumeRolePolicyDocument":
                value = _statements(value)
            elif path == "Policies":
                value = sorted((_statements(_ref(graph, p.get("PolicyDocument"))) for p in value or []),
                               key=json.dumps)
            elif path == "ManagedPolicyArns":
                value = sorted(value or [])
            props[path] = value if path == NAME.get(r.type) else _ref(graph, value)
        key = f"{r.type}:{r.get(NAME[r.type]) if r.type in NAME else 'mapping'}"
        assert key not in out, f"two resources project to {key}"
        out[key] = props
    return out


def build(platform_dir: str) -> ResourceGraph:
    project = load(FIXTURES / platform_dir, None, None)
    frontend = for_platform(PLATFORMS[platform_dir])
    if frontend is None:
        pytest.fail(f"no front end for {platform_dir}")
    result = frontend.build(project, {})
    if result.status == "unavailable":
        pytest.skip(f"{platform_dir}: {result.detail}")
    assert result.status == "ok", (result.status, result.detail, [f.message for f in result.findings])
    return result.graph


@pytest.fixture(scope="module")
def reference() -> dict[str, dict[str, Any]]:
    return projection(build("terraform"))


def test_reference_projection_is_the_contract_stack(reference: dict[str, dict[str, Any]]) -> None:
    assert sorted(reference) == [
        "AWS::DynamoDB::Table:orders-table", "AWS::IAM::Role:worker-role", "AWS::Lambda::EventSourceMapping:mapping",
        "AWS::Lambda::Function:worker", "AWS::SNS::Topic:orders-events", "AWS::SQS::Queue:orders",
        "AWS::SQS::Queue:orders-dlq",
    ]
    assert reference["AWS::Lambda::EventSourceMapping:mapping"] == {
        "EventSourceArn": "ref:AWS::SQS::Queue:orders", "FunctionName": "ref:AWS::Lambda::Function:worker",
        "BatchSize": 10}
    assert reference["AWS::SQS::Queue:orders"]["RedrivePolicy.deadLetterTargetArn"] == "ref:AWS::SQS::Queue:orders-dlq"
    assert reference["AWS::IAM::Role:worker-role"]["Policies"] == [[
        {"Action": ["sns:Publish"], "Effect": "Allow", "Resource": ["ref:AWS::SNS::Topic:orders-events"]},
        {"Action": ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"], "Effect": "Allow",
         "Resource": ["ref:AWS::SQS::Queue:orders"]},
    ]]


def _rule_findings(graph: ResourceGraph) -> set[tuple[str, str]]:
    ctx = RuleContext(graph=graph, root=Path("."), platform=graph.platform, md_starts={}, options={})
    names = {r.id: f"{r.type}:{r.get(NAME.get(r.type, ''), 'mapping')}" for r in graph}
    return {(f.rule, names.get(f.resource or "", "")) for f in run_rules(ctx, None, None)}


@pytest.mark.parametrize("platform_dir", [p for p in PLATFORMS if p != "terraform"])
def test_every_platform_gives_the_same_graph(platform_dir: str, reference: dict[str, dict[str, Any]]) -> None:
    if not (FIXTURES / platform_dir).is_dir():
        pytest.fail(f"contract fixture for {platform_dir} missing")
    graph = build(platform_dir)
    assert projection(graph) == reference


@pytest.mark.parametrize("platform_dir", [p for p in PLATFORMS if p != "terraform"])
def test_rules_report_the_same_on_every_platform(platform_dir: str) -> None:
    if not (FIXTURES / platform_dir).is_dir():
        pytest.fail(f"contract fixture for {platform_dir} missing")
    assert _rule_findings(build(platform_dir)) == _rule_findings(build("terraform"))
