"""HYG001-HYG004 on hand-built graphs (source text written to a temporary project where a rule reads it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from iacqa.model import Location, Resource, ResourceGraph, Severity
from iacqa.rules.context import RuleContext
from iacqa.rules.hygiene.hardcoded import HardcodedAccount, HardcodedRegion
from iacqa.rules.hygiene.names import NameWithoutSuffix
from iacqa.rules.hygiene.teardown import TeardownBlocked

F = "lib/tap_stack.py"


def _res(rid: str, cfn: str, props: dict[str, Any] | None = None, native: dict[str, Any] | None = None,
         line: int = 1, token: str = "x", **outputs: Any) -> Resource:
    return Resource(id=rid, type=cfn, native_type=token, properties=props or {}, native_properties=native or {},
                    location=Location(F, line), outputs=outputs)


def _ctx(*res: Resource, root: Path | None = None, **options: Any) -> RuleContext:
    g = ResourceGraph(platform="pulumi")
    for r in res:
        g.add(r)
    return RuleContext(graph=g, root=root, options=options)


def _project(tmp_path: Path, text: str) -> Path:
    (tmp_path / "lib").mkdir(exist_ok=True)
    (tmp_path / F).write_text(text)
    return tmp_path


# -- HYG001 ------------------------------------------------------------------------------------------------------
def test_fixed_names_without_suffix() -> None:
    ctx = _ctx(_res("fn", "AWS::Lambda::Function", {"FunctionName": "processor"}),
               _res("q", "AWS::SQS::Queue", {"QueueName": "jobs-dev"}),
               _res("b", "AWS::S3::Bucket", {"BucketName": "acme-reports"}))
    found = list(NameWithoutSuffix().check(ctx))
    assert len(found) == 1  # one per file, every name listed
    assert found[0].extra["resources"] == ["fn", "b"] and found[0].extra["names"] == ["processor", "acme-reports"]
    assert found[0].error == "ResourceConflictException: Function already exist: processor"
    assert "1 more names in this file" in found[0].message and "'acme-reports'" in found[0].message
    ctx = _ctx(_res("b", "AWS::S3::Bucket", {"BucketName": "acme-reports"}))
    assert list(NameWithoutSuffix().check(ctx))[0].error.startswith("BucketAlreadyExists")


def test_suffix_from_options_and_config() -> None:
    fn = _res("fn", "AWS::Lambda::Function", {"FunctionName": "processor-pr123"})
    assert list(NameWithoutSuffix().check(_ctx(fn, environment_suffix="pr123"))) == []
    ctx = _ctx(fn)
    ctx.graph.config_needs["TapStack:environmentSuffix"] = "pr123"
    assert list(NameWithoutSuffix().check(ctx)) == []
    assert len(list(NameWithoutSuffix().check(_ctx(fn)))) == 1


def test_names_built_from_generated_names_are_fine() -> None:
    fn = _res("worker", "AWS::Lambda::Function", {}, Name="worker-1a2b3c4")
    lg = _res("lg", "AWS::Logs::LogGroup", {"LogGroupName": "/aws/lambda/worker-1a2b3c4"})
    assert list(NameWithoutSuffix().check(_ctx(fn, lg))) == []


# -- HYG002 ------------------------------------------------------------------------------------------------------
def test_account_ids_in_source(tmp_path: Path) -> None:
    root = _project(tmp_path, '''"""Docstring with arn:aws:iam::111122223333:root is not code."""
TOPIC = "arn:aws:sns:us-east-1:111122223333:alerts"
# a comment: arn:aws:iam::444455556666:root
p = RolePolicy(
    "p",
    policy=f"arn:aws:iam::123456789012:role/{name}",
    owner="999988887777",
    bucket="reports-2024010112345",
)
''')
    pol = _res("p", "AWS::IAM::RolePolicy", line=4)
    found = list(HardcodedAccount().check(_ctx(pol, root=root)))
    assert [(f.line, f.extra["account"], f.resource) for f in found] == [
        (2, "111122223333", None), (6, "123456789012", "p"), (7, "999988887777", "p")]


# -- HYG003 ------------------------------------------------------------------------------------------------------
REGION_SRC = '''region = {region}
arn = "arn:aws:logs:us-west-2:1:log-group:x"
url = f"https://sqs.eu-west-1.amazonaws.com/{{account}}/q"
'''


def test_region_needs_a_region_setting(tmp_path: Path) -> None:
    root = _project(tmp_path, REGION_SRC.format(region='"us-east-1"'))
    res = _res("r", "AWS::SQS::Queue", line=1)
    assert list(HardcodedRegion().check(_ctx(res, root=root))) == []
    (root / "lib" / "AWS_REGION").write_text("us-east-1\n")
    found = list(HardcodedRegion().check(_ctx(res, root=root)))
    assert [(f.line, f.extra["region"]) for f in found] == [(2, "us-west-2"), (3, "eu-west-1")]


def test_region_setting_from_code(tmp_path: Path) -> None:
    root = _project(tmp_path, REGION_SRC.format(region="aws.get_region().name"))
    found = list(HardcodedRegion().check(_ctx(_res("r", "AWS::SQS::Queue", line=1), root=root)))
    assert len(found) == 2 and "lib/tap_stack.py:1" in found[0].message


# -- HYG004 ------------------------------------------------------------------------------------------------------
def test_teardown_blockers() -> None:
    table = _res("t", "AWS::DynamoDB::Table", {"DeletionProtectionEnabled": True})
    table.native_paths = {"DeletionProtectionEnabled": "deletion_protection_enabled"}
    table.attr_locations = {"deletion_protection_enabled": Location(F, 7)}
    q = _res("q", "AWS::SQS::Queue", native={"__opts": {"retain_on_delete": True, "protect": True}})
    q.attr_locations = {"opts": Location(F, 12)}
    db = _res("db", "AWS::RDS::DBInstance", {}, {"engine": "postgres"}, token="aws:rds/instance:Instance", line=20)
    ok_db = _res("db2", "AWS::RDS::DBInstance", {}, {"skip_final_snapshot": True}, token="aws:rds/instance:Instance")
    lg = _res("lg", "AWS::Logs::LogGroup", {}, {"skip_destroy": True})
    lb = _res("lb", "AWS::ElasticLoadBalancingV2::LoadBalancer", {}, {"enable_deletion_protection": True})
    found = list(TeardownBlocked().check(_ctx(table, q, db, ok_db, lg, lb)))
    got = [(f.resource, f.severity, f.line) for f in found]
    assert ("t", Severity.HIGH, 7) in got
    assert ("q", Severity.HIGH, 12) in got and ("q", Severity.MEDIUM, 12) in got
    assert ("db", Severity.MEDIUM, 20) in got
    assert {f.resource for f in found} == {"t", "q", "db", "lg", "lb"}


def test_versioned_bucket_without_force_destroy() -> None:
    b = _res("b", "AWS::S3::Bucket", {}, {}, Name="b-123", Id="b-123")
    v = _res("v", "AWS::S3::BucketVersioning", {}, {"bucket": "b-123", "versioning_configuration": {"status": "Enabled"}})
    found = list(TeardownBlocked().check(_ctx(b, v)))
    assert [(f.resource, f.severity) for f in found] == [("b", Severity.LOW)]
    b.native_properties["force_destroy"] = True
    assert list(TeardownBlocked().check(_ctx(b, v))) == []


def test_final_snapshot_on_terraform_and_cdktf_types() -> None:
    # the AWS provider (Terraform, CDKTF, Pulumi) refuses to destroy these without a final snapshot decision
    cluster = _res("aws_rds_cluster.main", "AWS::RDS::DBCluster", {}, {"engine": "aurora-postgresql"},
                   token="aws_rds_cluster")
    inst = _res("aws_db_instance.db", "AWS::RDS::DBInstance", {}, {"final_snapshot_identifier": "db-final"},
                token="aws_db_instance")
    var = _res("aws_db_instance.v", "AWS::RDS::DBInstance", {}, {"skip_final_snapshot": "${var.skip}"},
               token="aws_db_instance")
    member = _res("aws_rds_cluster_instance.i", "AWS::RDS::DBInstance", {}, {}, token="aws_rds_cluster_instance")
    found = list(TeardownBlocked().check(_ctx(cluster, inst, var, member)))
    assert [f.resource for f in found] == ["aws_rds_cluster.main"]
    assert "final_snapshot_identifier is required when skip_final_snapshot is false" in found[0].error
    cluster.native_properties["skip_final_snapshot"] = True
    assert list(TeardownBlocked().check(_ctx(cluster))) == []


def test_ecr_repository_without_force_delete() -> None:
    repo = _res("repo", "AWS::ECR::Repository", {}, {"name": "app"}, token="aws:ecr/repository:Repository", line=9)
    tf = _res("aws_ecr_repository.r", "AWS::ECR::Repository", {}, {"force_delete": True}, token="aws_ecr_repository")
    found = list(TeardownBlocked().check(_ctx(repo, tf)))
    assert [(f.resource, f.severity, f.line) for f in found] == [("repo", Severity.LOW, 9)]
    assert found[0].error.startswith("RepositoryNotEmptyException") and "force_delete" in found[0].fix
    # CloudFormation/CDK: EmptyOnDelete, unless the repository is retained (reported once per file instead)
    cfn = _res("Repo", "AWS::ECR::Repository", {"RepositoryName": "app"}, {}, token="AWS::ECR::Repository")
    assert [f.attribute for f in TeardownBlocked().check(_ctx(cfn))] == ["EmptyOnDelete"]
    cfn.properties["EmptyOnDelete"] = True
    assert list(TeardownBlocked().check(_ctx(cfn))) == []
    kept = _res("Kept", "AWS::ECR::Repository", {}, {"__opts": {"deletion_policy": "Retain"}},
                token="AWS::ECR::Repository")
    assert ["DeletionPolicy" in f.message for f in TeardownBlocked().check(_ctx(kept))] == [True]


# -- HYG005 ------------------------------------------------------------------------------------------------------

def test_placeholder_arns_in_nested_properties_of_any_front_end() -> None:
    from iacqa.rules.hygiene.placeholders import PlaceholderArn

    listener = _res("l", "AWS::ElasticLoadBalancingV2::Listener", {"Certificates": [
        {"CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/example"}], "Port": 443})
    sub = _res("s", "AWS::SNS::Subscription", {"TopicArn": "arn:aws:sns:us-east-1:123456789012:<your-topic>"})
    policy = _res("p", "AWS::IAM::Policy", {"PolicyDocument": '{"Statement": [{"Effect": "Allow", "Action": '
                                           '"kms:Decrypt", "Resource": "arn:aws:kms:us-east-1:123456789012:key/REPLACE_ME"}]}'})
    real = _res("r", "AWS::IAM::Policy", {"PolicyDocument": {"Statement": [{"Resource": [
        "arn:aws:lambda:us-east-1:123456789012:function:example-processor",  # a real name that starts with it
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/sample-app:*", "arn:aws:s3:::examplebucket/*",
        "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"]}]}})
    found = list(PlaceholderArn().check(_ctx(listener, sub, policy, real)))
    assert [(f.resource, f.attribute) for f in found] == [
        ("l", "Certificates.CertificateArn"), ("s", "TopicArn"), ("p", "PolicyDocument.Statement.Resource")], found
    assert found[0].severity is Severity.HIGH and "names no real acm resource" in found[0].message


def test_hyg004_deletion_policy_retain_one_finding_per_template(tmp_path):
    # CDK RemovalPolicy.RETAIN (the default of stateful constructs) synthesizes DeletionPolicy Retain
    import json as _json

    from iacqa.pipeline import analyze

    (tmp_path / "lib").mkdir()
    (tmp_path / "metadata.json").write_text(_json.dumps({"platform": "cfn", "language": "yaml"}))
    (tmp_path / "lib" / "TapStack.yml").write_text(
        "Resources:\n"
        "  Data:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Retain\n    Properties:\n"
        "      BucketName: data-dev\n"
        "  Key:\n    Type: AWS::KMS::Key\n    DeletionPolicy: Retain\n"
        "  Scratch:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Delete\n")
    found = [f for f in analyze(tmp_path, stages=("ingest", "graph", "check")).findings
             if f.rule == "HYG004" and "DeletionPolicy" in f.message]
    assert len(found) == 1
    f = found[0]
    assert (f.resource, f.line, f.severity.value) == ("Data", 2, "medium")
    assert f.extra["lines"] == [2, 7] and "Key (line 7)" in f.message
    assert "data-dev already exists" in f.error
