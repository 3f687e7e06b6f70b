"""CloudFormation templates -> graph: intrinsics, identities, lines, inline code, cfn-lint, bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from iacqa.frontends.cloudformation.frontend import CloudFormationFrontend
from iacqa.ingest.task import load
from iacqa.pipeline import analyze

FIXTURES = Path(__file__).parents[2] / "fixtures" / "cloudformation"


@pytest.fixture(scope="module")
def orders():
    return CloudFormationFrontend().build(load(FIXTURES / "orders", None, None), {})


def test_intrinsics_resolve_like_a_stack_create(orders) -> None:
    g = orders.graph
    assert orders.status == "ok"
    assert "AlarmTopic" not in g.resources  # condition HasAlarmEmail is false with the default ""
    assert g.resources["OrdersQueue"].get("QueueName") == "orders-pr7"  # Join over a parameter default
    assert g.resources["Worker"].get("MemorySize") == 512  # FindInMap keyed by the parameter
    assert g.resources["Worker"].get("Environment.Variables.FIRST_AZ") == "us-east-1a"  # Select over GetAZs
    assert g.resources["OrdersTable"].get("PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled") is False
    assert g.config_needs["param:EnvironmentSuffix"] == "pr7"
    assert set(g.outputs) == {"QueueUrl", "TableName"}  # TopicArn has a false condition
    assert g.outputs["QueueUrl"] == "https://sqs.us-east-1.amazonaws.com/123456789012/orders-pr7"


def test_refs_and_getatts_become_edges(orders) -> None:
    g = orders.graph
    m = g.resources["WorkerMapping"]
    assert g.resolve_resource(m.get("EventSourceArn")).id == "OrdersQueue"
    assert g.function_for(m.get("FunctionName")).id == "Worker"  # Ref of a function is its name
    assert g.resolve_resource(g.resources["OrdersQueue"].get("RedrivePolicy.deadLetterTargetArn")).id == "OrdersDlq"
    assert g.resolve_resource(g.resources["Worker"].get("Role")).id == "WorkerRole"
    assert g.resolve_resource(g.resources["Worker"].get("Environment.Variables.TABLE_NAME")).id == "OrdersTable"


def test_lines_and_inline_code_map_to_the_template(orders) -> None:
    g = orders.graph
    assert (g.resources["OrdersQueue"].location.file, g.resources["OrdersQueue"].location.line) == ("lib/TapStack.yml", 24)
    assert g.resources["OrdersQueue"].location_of("VisibilityTimeout").line == 28
    art = g.code["Worker"]
    assert art.kind == "inline" and "def handler" in art.files["index.py"]
    assert art.map_line("index.py", 1).line == 88  # first line after `ZipFile: |`


def test_handler_failure_points_at_the_template_line() -> None:
    result = analyze(FIXTURES / "orders", stages=("ingest", "graph", "check", "emulate"))
    rte = [f for f in result.findings if f.rule == "RTE001"]
    assert len(rte) == 1 and (rte[0].file, rte[0].line) == ("lib/TapStack.yml", 99)
    assert "Float types are not supported" in rte[0].message


def test_json_twin_gives_the_same_graph(tmp_path: Path, orders) -> None:
    root = tmp_path / "json"
    (root / "lib").mkdir(parents=True)
    (root / "metadata.json").write_text('{"platform": "cfn", "language": "json"}')
    from cfnlint.decode import decode

    template, _ = decode(str(FIXTURES / "orders" / "lib" / "TapStack.yml"))
    (root / "lib" / "TapStack.json").write_text(json.dumps(template, indent=2, default=str))
    fr = CloudFormationFrontend().build(load(root, None, None), {})
    assert fr.status == "ok"
    assert {r.id: r.properties for r in fr.graph} == {r.id: r.properties for r in orders.graph}
    assert fr.graph.resources["Worker"].location.file == "lib/TapStack.json"


def test_faulty_template_findings() -> None:
    result = analyze(FIXTURES / "faulty", stages=("ingest", "graph", "check"))
    got = {(f.rule, f.line) for f in result.findings}
    assert ("CFN001", 7) in got  # VisibilityTimeoutSeconds: cfn-lint E3002
    assert ("LIM001", 14) in got  # MemorySize 20000
    assert ("CFN003", 15) in got and ("CFN003", 19) in got  # GetAtt/Ref to undeclared resources
    cfn3 = [f for f in result.findings if f.rule == "CFN003"]
    assert len(cfn3) == 2, "resolution and cfn-lint report each unresolved reference once"
    e3002 = next(f for f in result.findings if f.rule == "CFN001")
    assert e3002.symbol == "E3002" and "VisibilityTimeout" in e3002.message


def test_broken_yaml_is_a_finding(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "faulty", root)
    (root / "lib" / "TapStack.yml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q:\n"
                                              "    Type: AWS::SQS::Queue\n   Properties: [\n")
    result = analyze(root, stages=("ingest", "graph", "check"))
    syn = [f for f in result.findings if f.rule == "SYN004"]
    assert syn and syn[0].file == "lib/TapStack.yml" and syn[0].line
    assert next(s for s in result.stages if s.name == "graph").status == "failed"


def test_unknown_function_and_circular_sub_do_not_crash(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "lib").mkdir(parents=True)
    (root / "metadata.json").write_text('{"platform": "cfn", "language": "yaml"}')
    doc = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {
        "A": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Fn::Sub": "${B.TopicName}-a"}}},
        "B": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Fn::Sub": "${A.TopicName}-b"}}},
        "C": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::Frobnicate": "x"}}}}}
    (root / "lib" / "TapStack.yml").write_text(yaml.safe_dump(doc))
    result = analyze(root, stages=("ingest", "graph", "check"))
    assert not [f for f in result.findings if f.rule == "IQA001"]
    assert any(f.rule == "CFN003" and "Fn::Frobnicate" in f.message for f in result.findings)
