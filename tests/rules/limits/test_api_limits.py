"""LIM013 (schema dependentExcluded/dependentRequired), LIM014 (API-documented combinations), LIM015 (API-documented
value forms) on Terraform, CloudFormation and hand-built CDK/provider graphs (the Pulumi shape is the fixture
pairs')."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iacqa.model import Location, Resource, ResourceGraph
from iacqa.pipeline import analyze
from iacqa.rules.context import RuleContext
from iacqa.rules.limits.schema_dependencies import SchemaPropertyDependency, dependencies

IDS = ("LIM013", "LIM014", "LIM015")


def _found(root: Path, *rules: str) -> list:
    wanted = rules or IDS
    return [f for f in analyze(root, stages=("ingest", "graph", "check"), options={"checkov": False}).findings
            if f.rule in wanted]


def _tf(root: Path, text: str) -> Path:
    (root / "main.tf").write_text(text)
    return root


ECS = '''
resource "aws_ecs_service" "svc" {
  name            = "svc"
  cluster         = "arn:aws:ecs:us-east-1:123456789012:cluster/c"
  task_definition = "td:1"
%s
}
'''
STRATEGY = '''  capacity_provider_strategy {
    capacity_provider = "FARGATE_SPOT"
    weight            = 1
  }'''


@pytest.mark.parametrize(("body", "line"), [
    (f'  launch_type = "FARGATE"\n{STRATEGY}', 6),
    (STRATEGY, None),
    ('  launch_type = "FARGATE"', None),
])
def test_lim014_ecs_launch_type_with_strategy(tmp_path: Path, body: str, line: int | None) -> None:
    got = _found(_tf(tmp_path, ECS % body), "LIM014")
    assert [(f.file, f.line) for f in got] == ([("main.tf", line)] if line else [])
    if line:
        assert got[0].error.startswith("InvalidParameterException: Specifying both a launch type")
        assert "launchType parameter must be omitted" in got[0].extra["evidence"]
        assert "botocore" in got[0].extra["evidence"]


CDN = '''
resource "aws_cloudfront_distribution" "cdn" {
  enabled = true
  origin {
    domain_name = "example.s3.amazonaws.com"
    origin_id   = "s3"
  }
  default_cache_behavior {
    target_origin_id       = "s3"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
%s
  }
  ordered_cache_behavior {
    path_pattern           = "/api/*"
    target_origin_id       = "s3"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
%s
  }
  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }
  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
'''
POLICY = '    cache_policy_id = "658327ea-f89d-4fab-a63d-7e88639e58f6"'
FORWARDED = '''    forwarded_values {
      query_string = false
      cookies {
        forward = "none"
      }
    }'''


@pytest.mark.parametrize(("default", "ordered", "lines"), [
    (f"{POLICY}\n{FORWARDED}", POLICY, [8]),
    (POLICY, f"{POLICY}\n{FORWARDED}", [15]),
    (FORWARDED, FORWARDED, []),
    (POLICY, POLICY, []),
])
def test_lim014_cloudfront_policy_and_forwarded_values(tmp_path: Path, default: str, ordered: str,
                                                       lines: list[int]) -> None:
    got = _found(_tf(tmp_path, CDN % (default, ordered)), "LIM014")
    assert sorted(f.line for f in got) == lines
    for f in got:
        assert "ForwardedValues cannot be used when a cache policy" in f.error
        assert "CachePolicyId or ForwardedValues" in f.extra["evidence"]


LISTENER = '''
resource "aws_lb_listener" "l" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1"
  port              = 443
  protocol          = "%s"
%s
  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1"
  }
}
'''
CERT = '  certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"'


@pytest.mark.parametrize(("protocol", "cert", "found"), [
    ("HTTPS", "", True), ("TLS", "", True), ("HTTPS", CERT, False), ("HTTP", "", False),
])
def test_lim014_listener_certificate(tmp_path: Path, protocol: str, cert: str, found: bool) -> None:
    got = _found(_tf(tmp_path, LISTENER % (protocol, cert)), "LIM014")
    assert [(f.file, f.line) for f in got] == ([("main.tf", 5)] if found else [])
    if found:
        assert "exactly one certificate" in got[0].extra["evidence"]


CLUSTER = '''
resource "aws_rds_cluster" "db" {
  cluster_identifier          = "db"
  engine                      = "%s"
  master_username             = "dbadmin"
  manage_master_user_password = true
  backtrack_window            = %s
  skip_final_snapshot         = true
}
'''


@pytest.mark.parametrize(("engine", "window", "found"), [
    ("aurora-postgresql", 259200, True), ("postgres", 3600, True), ("aurora-mysql", 259200, False),
    ("aurora", 3600, False), ("aurora-postgresql", 0, False),
])
def test_lim014_backtrack_engine(tmp_path: Path, engine: str, window: int, found: bool) -> None:
    got = _found(_tf(tmp_path, CLUSTER % (engine, window)), "LIM014")
    assert [(f.file, f.line) for f in got] == ([("main.tf", 7)] if found else [])
    if found:
        assert "Aurora MySQL DB clusters only" in got[0].extra["evidence"]


@pytest.mark.parametrize(("arg", "found"), [
    ('name_prefix = "sg-synthetics-"', True), ('name = "sg-web"', True), ('name_prefix = "synthetics-"', False),
    ('name = "web-sg"', False),
])
def test_lim015_security_group_name(tmp_path: Path, arg: str, found: bool) -> None:
    text = f'resource "aws_security_group" "g" {{\n  {arg}\n  vpc_id = "vpc-0a1b2c3d"\n}}\n'
    got = _found(_tf(tmp_path, text), "LIM015")
    assert [(f.file, f.line) for f in got] == ([("main.tf", 2)] if found else [])
    if found:
        assert "Group names may not be in the format sg-*" in got[0].error
        assert "Can't start with sg-" in got[0].extra["evidence"]


@pytest.mark.parametrize(("value", "found"), [
    ('"alias/aws/backup"', True), ("aws_kms_key.k.arn", False),
    ('"arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"', False),
])
def test_lim015_backup_vault_key(tmp_path: Path, value: str, found: bool) -> None:
    text = ('resource "aws_kms_key" "k" {\n  description = "k"\n}\n\n'
            f'resource "aws_backup_vault" "v" {{\n  name        = "v"\n  kms_key_arn = {value}\n}}\n')
    got = _found(_tf(tmp_path, text), "LIM015")
    assert [(f.file, f.line) for f in got] == ([("main.tf", 7)] if found else [])


def test_lim013_terraform_alarm_statistics(tmp_path: Path) -> None:
    text = '''
resource "aws_cloudwatch_metric_alarm" "a" {
  alarm_name          = "a"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "Errors"
  namespace           = "AWS/Lambda"
  period              = 60
  statistic           = "Sum"
  extended_statistic  = "p99"
  threshold           = 1
}
'''
    got = _found(_tf(tmp_path, text), "LIM013")
    assert len(got) == 1 and got[0].line in (9, 10)
    assert "conflicts with" in got[0].error and "dependentExcluded" in got[0].extra["evidence"]


# -- CloudFormation: cfn-lint says the schema dependencies and the listener certificate when it read the template ---
SG = {"Type": "AWS::EC2::SecurityGroup", "Properties": {
    "GroupDescription": "web", "SecurityGroupEgress": [{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}]}}
HTTPS = {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {
    "LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1", "Port": 443,
    "Protocol": "HTTPS", "DefaultActions": [{"Type": "forward", "TargetGroupArn":
                                             "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1"}]}}


def test_cloudformation_template_cfn_lint_read_is_not_reported_twice(tmp_path: Path) -> None:
    (tmp_path / "template.json").write_text(json.dumps(
        {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"WebSG": SG, "Listener": HTTPS}}, indent=2))
    got = _found(tmp_path, "LIM013", "LIM014", "CFN001", "CFN002")
    assert {f.rule for f in got} == {"CFN002"}  # cfn-lint E3021 and its certificate extension schema
    assert any("'VpcId' is a dependency of 'SecurityGroupEgress'" in f.message for f in got)


def test_cloudformation_template_salvaged_above_a_syntax_error_is_judged(tmp_path: Path) -> None:
    text = """AWSTemplateFormatVersion: '2010-09-09'
Resources:
  WebSG:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupEgress:
        - IpProtocol: '-1'
          CidrIp: 0.0.0.0/0
  Vault:
    Type: AWS::Backup::BackupVault
    Properties:
      BackupVaultName: v
      EncryptionKeyArn: alias/aws/backup
  Broken:
    Type: AWS::SNS::Topic
   Properties: {
"""
    (tmp_path / "template.yaml").write_text(text)
    got = _found(tmp_path)
    assert sorted((f.rule, f.line) for f in got) == [("LIM013", 7), ("LIM015", 14)]
    lim013 = next(f for f in got if f.rule == "LIM013")
    assert "'VpcId' is a dependency of 'SecurityGroupEgress'" in lim013.error
    assert "dependentRequired" in lim013.extra["evidence"]


def test_cloudformation_ecs_and_cloudfront_are_judged_where_cfn_lint_is_silent(tmp_path: Path) -> None:
    behavior = {"TargetOriginId": "s3", "ViewerProtocolPolicy": "allow-all",
                "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
                "ForwardedValues": {"QueryString": False}}
    (tmp_path / "template.json").write_text(json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {
        "Svc": {"Type": "AWS::ECS::Service", "Properties": {
            "Cluster": "c", "TaskDefinition": "td", "LaunchType": "FARGATE",
            "CapacityProviderStrategy": [{"CapacityProvider": "FARGATE_SPOT", "Weight": 1}]}},
        "Cdn": {"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": {
            "Enabled": True, "Origins": [{"Id": "s3", "DomainName": "b.s3.amazonaws.com",
                                          "S3OriginConfig": {}}],
            "DefaultCacheBehavior": behavior,
            "CacheBehaviors": [{**behavior, "PathPattern": "/api/*"}]}}}}}, indent=2))
    got = _found(tmp_path, "LIM014")
    assert sorted((f.resource, f.extra["check"]) for f in got) == [
        ("Cdn", "cloudfront_policy_forwarded"), ("Cdn", "cloudfront_policy_forwarded"),
        ("Svc", "ecs_launch_type_strategy")]


# -- the schema reader and the platform gate, on hand-built graphs -------------------------------------------------
def test_dependencies_read_from_the_schemas() -> None:
    sg = dependencies("AWS::EC2::SecurityGroup")
    assert ("", "dependentRequired", (("SecurityGroupEgress", ("VpcId",)),)) in sg
    origins = [d for d in dependencies("AWS::CloudFront::Distribution") if d[1] == "dependentExcluded"]
    assert any(path == "DistributionConfig.Origins.[]" and dict(deps).get("S3OriginConfig") == ("CustomOriginConfig",)
               for path, _, deps in origins)
    assert dependencies("AWS::SQS::Queue") == ()


def _run(platform: str, resource: Resource) -> list:
    g = ResourceGraph(platform=platform)
    g.add(resource)
    return list(SchemaPropertyDependency().check(RuleContext(graph=g, platform=platform)))


def test_cdk_graph_is_judged_on_every_schema_entry() -> None:
    origin = {"Id": "o", "DomainName": "x.s3.amazonaws.com", "S3OriginConfig": {},
              "CustomOriginConfig": {"OriginProtocolPolicy": "https-only"}}
    cdn = Resource("Cdn", "AWS::CloudFront::Distribution", "AWS::CloudFront::Distribution",
                   properties={"DistributionConfig": {"Enabled": True, "Origins": [origin]}},
                   location=Location("cdk.out/TapStack.template.json", 3))
    got = _run("cdk", cdn)
    assert len(got) == 1 and sorted(got[0].extra["properties"]) == ["CustomOriginConfig", "S3OriginConfig"]
    assert got[0].attribute == "DistributionConfig.Origins.0.S3OriginConfig"


@pytest.mark.parametrize("platform", ["tf", "pulumi", "cdktf"])
def test_provider_graphs_skip_entries_the_provider_fills_or_the_api_does_not_hold(platform: str) -> None:
    # the provider sends SSEType KMS itself when a key is given; the EC2 API puts a group without VpcId in the
    # default VPC (the egress requirement is CloudFormation's)
    table = Resource("t", "AWS::DynamoDB::Table", "aws_dynamodb_table", properties={
        "SSESpecification": {"SSEEnabled": True, "KMSMasterKeyId": "arn:aws:kms:us-east-1:1:key/k"}})
    sg = Resource("g", "AWS::EC2::SecurityGroup", "aws_security_group", properties={
        "GroupDescription": "g", "SecurityGroupEgress": [{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}]})
    assert _run(platform, table) == [] and _run(platform, sg) == []
    alarm = Resource("a", "AWS::CloudWatch::Alarm", "aws_cloudwatch_metric_alarm", properties={
        "Threshold": 1, "ThresholdMetricId": "ad1", "ComparisonOperator": "GreaterThanUpperThreshold"})
    assert len(_run(platform, alarm)) == 1


def test_lim015_backup_vault_key_from_an_alias_resource_name(tmp_path: Path) -> None:
    text = ('resource "aws_kms_key" "k" {\n  description = "k"\n}\n\n'
            'resource "aws_kms_alias" "a" {\n  name          = "alias/backup"\n  target_key_id = aws_kms_key.k.key_id\n}\n\n'
            'resource "aws_backup_vault" "v" {\n  name        = "v"\n  kms_key_arn = %s\n}\n')
    assert [f.line for f in _found(_tf(tmp_path, text % "aws_kms_alias.a.name"), "LIM015")] == [12]
    assert _found(_tf(tmp_path, text % "aws_kms_key.k.arn"), "LIM015") == []
