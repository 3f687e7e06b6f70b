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


CONTRACT = Path(__file__).parents[2] / "fixtures" / "contract" / "cloudformation"


def test_contract_stack_graph() -> None:
    fr = CloudFormationFrontend().build(load(CONTRACT, None, None), {})
    g = fr.graph
    assert fr.status == "ok"
    assert {r.type for r in g} >= {"AWS::SQS::Queue", "AWS::Lambda::Function", "AWS::Lambda::EventSourceMapping",
                                   "AWS::DynamoDB::Table", "AWS::SNS::Topic", "AWS::IAM::Role"}
    orders, dlq = g.resources["Orders"], g.resources["OrdersDlq"]
    assert orders.outputs["Url"] == "https://sqs.us-east-1.amazonaws.com/123456789012/orders"
    assert dlq.outputs["Arn"] == "arn:aws:sqs:us-east-1:123456789012:orders-dlq"
    assert g.resolve_resource(orders.get("RedrivePolicy.deadLetterTargetArn")).id == "OrdersDlq"
    assert orders.get("RedrivePolicy.maxReceiveCount") == 3
    mapping = g.resources["WorkerQueueMapping"]
    assert g.resolve_resource(mapping.get("EventSourceArn")).id == "Orders" and mapping.get("BatchSize") == 10
    worker = g.resources["Worker"]
    assert (worker.get("MemorySize"), worker.get("Timeout"), worker.get("Runtime")) == (256, 30, "python3.12")
    assert g.resolve_resource(worker.get("Role")).id == "WorkerRole"
    assert g.resources["OrdersTable"].outputs["StreamArn"].startswith(
        "arn:aws:dynamodb:us-east-1:123456789012:table/orders-table/stream/")
    assert g.code["Worker"].kind == "inline" and "def handler" in g.code["Worker"].files["index.py"]
    assert worker.location.line and worker.location.file == "lib/TapStack.yml"


def test_load_template_unpacks_to_template_and_positions() -> None:
    from iacqa.frontends.cloudformation.template import load_template

    template, positions = load_template(CONTRACT / "lib" / "TapStack.yml")
    assert template["Resources"]["Orders"]["Type"] == "AWS::SQS::Queue"
    assert positions[("Resources", "Orders")].line == 8
    assert positions[("Resources", "Orders", "Properties", "RedrivePolicy", "maxReceiveCount")].line == 15
    assert template["Resources"]["Orders"]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"] == {
        "Fn::GetAtt": ["OrdersDlq", "Arn"]}  # the short tag, in its long form


def _project(tmp_path: Path, doc: dict) -> Path:
    root = tmp_path / "p"
    (root / "lib").mkdir(parents=True)
    (root / "metadata.json").write_text('{"platform": "cfn", "language": "yaml"}')
    (root / "lib" / "TapStack.yml").write_text(yaml.safe_dump(doc, sort_keys=False))
    return root


def test_circular_ref_is_not_a_crash(tmp_path: Path) -> None:
    doc = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {
        "A": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "B"}}},
        "B": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "A"}}}}}
    root = _project(tmp_path, doc)
    result = analyze(root, stages=("ingest", "graph", "check"))
    assert not [f for f in result.findings if f.rule == "IQA001"]
    assert any(f.symbol == "E3004" for f in result.findings), "cfn-lint names the circular dependency"
    assert {"A", "B"} <= set(CloudFormationFrontend().build(load(root, None, None), {"cfn_lint": False}).graph.resources)


def test_code_in_a_bucket_of_the_same_stack_is_missing(tmp_path: Path) -> None:
    fn = {"Runtime": "python3.12", "Handler": "index.handler", "Role": "arn:aws:iam::123456789012:role/r"}
    doc = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {**fn, "Code": {"S3Bucket": {"Ref": "Artifacts"},
                                                                             "S3Key": "fn.zip"}}},
        "Ext": {"Type": "AWS::Lambda::Function", "Properties": {**fn, "Code": {"S3Bucket": "shared-artifacts",
                                                                              "S3Key": "ext.zip"}}},
        "Artifacts": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "artifacts-dev"}}}}
    fr = CloudFormationFrontend().build(load(_project(tmp_path, doc), None, None), {"cfn_lint": False})
    art = fr.graph.code["Fn"]
    assert art.kind == "missing" and art.source_path == "s3://artifacts-dev/fn.zip" and "NoSuchKey" in art.missing_error
    assert "Ext" not in fr.graph.code and any("s3://shared-artifacts/ext.zip" in n for n in fr.graph.notes)


def test_region_map_without_the_stack_region_says_which_regions_it_has(tmp_path: Path) -> None:
    doc = {"AWSTemplateFormatVersion": "2010-09-09",
           "Mappings": {"RegionMap": {"us-east-2": {"AZ1": "us-east-2a"}, "eu-west-1": {"AZ1": "eu-west-1a"}}},
           "Resources": {"S": {"Type": "AWS::EC2::Subnet", "Properties": {
               "VpcId": "vpc-1", "CidrBlock": "10.0.0.0/24",
               "AvailabilityZone": {"Fn::FindInMap": ["RegionMap", {"Ref": "AWS::Region"}, "AZ1"]}}}}}
    # the region the TAP pipeline deploys to (profile tap: us-east-1 unless lib/AWS_REGION names another)
    fr = CloudFormationFrontend().build(load(_project(tmp_path, doc), None, None),
                                        {"cfn_lint": False, "parameters": {"AWS::Region": "us-east-1"}})
    f, = [f for f in fr.findings if f.rule == "CFN003"]
    assert (f.resource, f.attribute, f.line) == ("S", "AvailabilityZone", 14)
    assert f.error == "Template error: Unable to get mapping for RegionMap::us-east-1::AZ1"
    assert "add a us-east-1 entry to RegionMap (it has eu-west-1, us-east-2)" in f.fix


def test_region_map_judged_only_against_a_known_region(tmp_path: Path) -> None:
    """A template made for us-east-2 (its RegionMap has only that key). A plain project's region is chosen at deploy
    time: not judged against iacqa's default. A TAP task's region is lib/AWS_REGION, else the pipeline's us-east-1."""
    doc = {"AWSTemplateFormatVersion": "2010-09-09", "Mappings": {"RegionMap": {"us-east-2": {"AZ1": "us-east-2a"}}},
           "Resources": {"Net": {"Type": "AWS::EC2::Subnet", "Properties": {
               "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24",
               "AvailabilityZone": {"Fn::FindInMap": ["RegionMap", {"Ref": "AWS::Region"}, "AZ1"]}}}}}

    def cfn003(root: Path) -> list:
        r = analyze(root, stages=("ingest", "graph", "check"))
        return [f for f in r.findings if f.rule == "CFN003"]

    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "template.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    assert cfn003(plain) == []
    tap = _project(tmp_path / "tap", doc)
    assert len(cfn003(tap)) == 1  # the pipeline deploys to us-east-1: the lookup fails there
    (tap / "lib" / "AWS_REGION").write_text("us-east-2\n")
    assert cfn003(tap) == []


def test_region_map_judged_in_the_region_the_prompt_names(tmp_path: Path) -> None:
    """A task copy without lib/AWS_REGION whose prompt says where it deploys: judged there (cfn-yaml tasks whose
    RegionMap has only the prompt's region were called broken in us-east-1); several regions named: not judged."""
    doc = {"AWSTemplateFormatVersion": "2010-09-09", "Mappings": {"RegionMap": {"us-east-2": {"AZ1": "us-east-2a"}}},
           "Resources": {"Net": {"Type": "AWS::EC2::Subnet", "Properties": {
               "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24",
               "AvailabilityZone": {"Fn::FindInMap": ["RegionMap", {"Ref": "AWS::Region"}, "AZ1"]}}}}}

    def cfn003(prompt: str) -> list:
        tap = _project(tmp_path / str(abs(hash(prompt))), doc)
        (tap / "lib" / "PROMPT.md").write_text(prompt)
        return [f for f in analyze(tap, stages=("ingest", "graph", "check")).findings if f.rule == "CFN003"]

    assert cfn003("Create a VPC with two subnets in the us-east-2 region.") == []
    assert len(cfn003("Create a VPC with two subnets in the eu-west-1 region.")) == 1
    assert cfn003("Primary in us-east-2, disaster recovery copy in us-west-2.") == []
    assert len(cfn003("Create a VPC with two subnets.")) == 1  # the pipeline's us-east-1


def test_notes_pasted_after_the_template_are_reported_and_the_template_still_checked(tmp_path: Path) -> None:
    # a response's "Key Features:" notes inside the fence after Outputs (cfn-yaml Pr8576: 0 resources checked)
    root = tmp_path / "p"
    (root / "lib").mkdir(parents=True)
    (root / "metadata.json").write_text('{"platform": "cfn", "language": "yaml"}')
    (root / "lib" / "TapStack.yml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Queue:\n    Type: AWS::SQS::Queue\n"
        "    Properties:\n      VisibilityTimeout: 99999\nOutputs:\n  Q:\n    Value: !Ref Queue\n"
        "Key Features and Compliance:\n1. Region Constraint (us-west-2)\nThe template is designed for one region\n")
    r = analyze(root, stages=("ingest", "graph", "check"))
    syn = [f for f in r.findings if f.rule == "SYN004"]
    assert len(syn) == 1 and "the template above line" in syn[0].message  # said once, not again by cfn-lint
    assert r.graph["by_type"] == {"AWS::SQS::Queue": 1}
    assert any(f.rule == "LIM001" and f.resource == "Queue" for f in r.findings)  # the template is still checked
