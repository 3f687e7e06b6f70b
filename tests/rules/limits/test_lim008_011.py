"""LIM008 (Config recording group), LIM009 (flow log interval), LIM010 (dashboard body), LIM011 (S3 request metric
alarms) on Terraform and CloudFormation shapes (the Pulumi shape is the fixture pair's)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iacqa.pipeline import analyze
from iacqa.rules.limits.dashboard_body import validation_errors


def _found(root: Path, rule: str) -> list:
    return [f for f in analyze(root, stages=("ingest", "graph", "check"), options={"checkov": False}).findings
            if f.rule == rule]


def _tf(root: Path, text: str) -> Path:
    (root / "main.tf").write_text(text)
    return root


def _cfn(root: Path, resources: dict) -> Path:
    (root / "template.json").write_text(json.dumps(
        {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}, indent=2))
    return root


RECORDER = '''
resource "aws_iam_role" "config" {
  name               = "config"
  assume_role_policy = "{}"
}

resource "aws_config_configuration_recorder" "r" {
  name     = "main"
  role_arn = aws_iam_role.config.arn
  recording_group {
%s
  }
}
'''


@pytest.mark.parametrize(("group", "line"), [
    ('    all_supported  = true\n    resource_types = ["AWS::S3::Bucket"]', 12),
    ('    all_supported                 = false\n    include_global_resource_types = true\n'
     '    resource_types                = ["AWS::S3::Bucket"]', 12),
    ('    all_supported = true\n    recording_strategy {\n      use_only = "EXCLUSION_BY_RESOURCE_TYPES"\n    }', 13),
])
def test_lim008_terraform_conflicts(tmp_path: Path, group: str, line: int) -> None:
    got = _found(_tf(tmp_path, RECORDER % group), "LIM008")
    assert [(f.file, f.line) for f in got] == [("main.tf", line)]
    assert "InvalidRecordingGroupException" in (got[0].error or "")
    assert "botocore config model" in got[0].extra["evidence"]


@pytest.mark.parametrize("group", [
    '    all_supported                 = true\n    include_global_resource_types = true',
    '    all_supported  = false\n    resource_types = ["AWS::S3::Bucket", "AWS::IAM::Role"]',
    '    all_supported = true\n    resource_types = []',
])
def test_lim008_terraform_valid_groups(tmp_path: Path, group: str) -> None:
    assert not _found(_tf(tmp_path, RECORDER % group), "LIM008")


def test_lim008_cloudformation(tmp_path: Path) -> None:
    root = _cfn(tmp_path, {"Recorder": {"Type": "AWS::Config::ConfigurationRecorder", "Properties": {
        "RoleARN": "arn:aws:iam::123456789012:role/config",
        "RecordingGroup": {"AllSupported": True, "ResourceTypes": ["AWS::EC2::Instance"]}}}})
    got = _found(root, "LIM008")
    assert len(got) == 1 and got[0].resource == "Recorder"


FLOW_LOG = '''
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_flow_log" "f" {
  vpc_id                   = aws_vpc.v.id
  traffic_type             = "ALL"
  log_destination_type     = "s3"
  log_destination          = "arn:aws:s3:::flow-logs"
  max_aggregation_interval = %s
}
'''


@pytest.mark.parametrize(("value", "found"), [("300", True), ("120", True), ("60", False), ("600", False)])
def test_lim009_terraform(tmp_path: Path, value: str, found: bool) -> None:
    got = _found(_tf(tmp_path, FLOW_LOG % value), "LIM009")
    assert [(f.file, f.line) for f in got] == ([("main.tf", 11)] if found else [])
    if found:
        assert "60 seconds (1 minute) or 600 seconds" in got[0].extra["evidence"]


def test_lim009_transit_gateway_takes_60_only(tmp_path: Path) -> None:
    text = '''
resource "aws_flow_log" "tgw" {
  transit_gateway_id       = "tgw-0123456789abcdef0"
  traffic_type             = "ALL"
  log_destination_type     = "s3"
  log_destination          = "arn:aws:s3:::flow-logs"
  max_aggregation_interval = 600
}
'''
    assert len(_found(_tf(tmp_path, text), "LIM009")) == 1


@pytest.mark.parametrize(("value", "found"), [(300, True), ("300", True), (60, False)])
def test_lim009_cloudformation(tmp_path: Path, value: object, found: bool) -> None:
    root = _cfn(tmp_path, {"Log": {"Type": "AWS::EC2::FlowLog", "Properties": {
        "ResourceId": "vpc-0123456789abcdef0", "ResourceType": "VPC", "TrafficType": "ALL",
        "LogDestinationType": "s3", "LogDestination": "arn:aws:s3:::flow-logs", "MaxAggregationInterval": value}}})
    assert bool(_found(root, "LIM009")) is found


# -- LIM010 -------------------------------------------------------------------------------------------------------
def _metric_widget(**props: object) -> dict:
    return {"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6,
            "properties": {"region": "us-east-1", "metrics": [["AWS/SQS", "NumberOfMessagesSent", "QueueName", "q"]],
                           **props}}


@pytest.mark.parametrize(("body", "errors"), [
    ({"widgets": [_metric_widget()]}, []),
    ({"widgets": [_metric_widget(metrics=[["AWS/Lambda", "Errors", "FunctionName", "f", {"stat": "Sum"}],
                                          [".", "Invocations", ".", "."], ["...", "FunctionName", "g"],
                                          [{"expression": "m1 / m2", "label": "rate", "id": "e1"}]])]}, []),
    ({"widgets": [{"type": "text", "x": 0, "y": 0, "width": 24, "height": 2, "properties": {"markdown": "# a"}}]},
     []),
    ({"widget": []}, [""]),
    ({"widgets": {"type": "metric"}}, ["/widgets"]),
    ({"widgets": [{"type": "metric"}]}, ["/widgets/0"]),
    ({"widgets": [{**_metric_widget(), "width": 30}]}, ["/widgets/0/width"]),
    ({"widgets": [{**_metric_widget(), "height": "6"}]}, ["/widgets/0/height"]),
    ({"widgets": [{**_metric_widget(), "properties": {"metrics": [["AWS/SQS", "NumberOfMessagesSent"]]}}]},
     ["/widgets/0/properties"]),
    ({"widgets": [{**_metric_widget(), "properties": {
        "metrics": [["AWS/SQS", "NumberOfMessagesSent", {"region": "us-west-2"}]]}}]}, []),
    ({"widgets": [_metric_widget(metrics=[["AWS/RDS", "DatabaseConnections",
                                           {"stat": "Sum", "dimensions": {"DBClusterIdentifier": "c"}}]])]},
     ["/widgets/0/properties/metrics/0/2"]),
    ({"widgets": [_metric_widget(metrics=[["AWS/RDS", "CPUUtilization", {"stat": "Sum"}, "DBClusterIdentifier",
                                           "c"]])]}, ["/widgets/0/properties/metrics/0/2"]),
    ({"widgets": [_metric_widget(metrics=[["AWS/Lambda", "Errors", "FunctionName"]])]},
     ["/widgets/0/properties/metrics/0"]),
    ({"widgets": [_metric_widget(metrics=["AWS/Lambda", "Errors"])]},
     ["/widgets/0/properties/metrics/0", "/widgets/0/properties/metrics/1"]),
    ({"widgets": [{"type": "text", "properties": {"content": "# a"}}]}, ["/widgets/0/properties"]),
    # unresolved values are not judged
    ({"widgets": "<unresolved var.widgets>"}, []),
    ({"widgets": [_metric_widget(metrics="${local.metrics}")]}, []),
    ({"widgets": [_metric_widget(metrics=[["AWS/Lambda", "Errors", "FunctionName", "<unresolved f>", "x"]])]}, []),
])
def test_lim010_validation_errors(body: dict, errors: list[str]) -> None:
    assert [p for p, _m in validation_errors(body)] == errors


DASHBOARD = '''
resource "aws_cloudwatch_dashboard" "d" {
  dashboard_name = "main"
  dashboard_body = jsonencode({
    widgets = [
      {
        type   = "metric"
        width  = 16
        height = 6
        properties = {
          %s
          metrics = [["payments", "Latency", { stat = "p50" }]]
        }
      }
    ]
  })
}
'''


def test_lim010_terraform_metric_widget_without_region(tmp_path: Path) -> None:
    got = _found(_tf(tmp_path, DASHBOARD % 'title = "Latency"'), "LIM010")
    assert [(f.file, f.line) for f in got] == [("main.tf", 4)]
    assert "Should have required property 'region'" in (got[0].error or "")
    assert not _found(_tf(tmp_path, DASHBOARD % 'region = "us-east-1"'), "LIM010")


def test_lim010_terraform_unresolved_body_is_skipped(tmp_path: Path) -> None:
    text = 'variable "fns" {\n  type = list(string)\n}\n' + DASHBOARD.replace(
        '[["payments", "Latency", { stat = "p50" }]]', '[for f in var.fns : ["AWS/Lambda", "Errors", f]]') \
        % 'title = "x"'
    assert not _found(_tf(tmp_path, text), "LIM010")


def test_lim010_cloudformation_string_body(tmp_path: Path) -> None:
    body = {"widgets": [{"type": "metric", "width": 25, "properties": {"region": "us-east-1", "metrics": []}}]}
    root = _cfn(tmp_path, {"Dash": {"Type": "AWS::CloudWatch::Dashboard",
                                    "Properties": {"DashboardBody": json.dumps(body)}}})
    got = _found(root, "LIM010")
    assert len(got) == 1 and '"/widgets/0/width"' in (got[0].error or "")


# -- LIM011 -------------------------------------------------------------------------------------------------------
S3_ALARM = '''
resource "aws_s3_bucket" "b" {
  bucket = "assets-dev"
}
%s
resource "aws_cloudwatch_metric_alarm" "a" {
  alarm_name          = "s3-5xx"
  namespace           = "AWS/S3"
  metric_name         = "%s"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 5
  comparison_operator = "GreaterThanThreshold"
  dimensions = {
    %s
  }
}
'''
METRIC = '''
resource "aws_s3_bucket_metric" "all" {
  bucket = aws_s3_bucket.b.id
  name   = "EntireBucket"
}
'''
BOTH = 'BucketName = aws_s3_bucket.b.bucket\n    FilterId   = "EntireBucket"'


@pytest.mark.parametrize(("metric_block", "metric", "dims", "found"), [
    ("", "5xxErrors", BOTH, True),
    (METRIC, "5xxErrors", BOTH, False),
    (METRIC.replace("EntireBucket", "Documents"), "4xxErrors", BOTH, True),
    (METRIC, "AllRequests", "BucketName = aws_s3_bucket.b.bucket", True),
    ("", "BucketSizeBytes", 'BucketName = aws_s3_bucket.b.bucket\n    StorageType = "StandardStorage"', False),
    ("", "5xxErrors", 'BucketName = "someone-elses-bucket"\n    FilterId   = "EntireBucket"', False),
])
def test_lim011_terraform(tmp_path: Path, metric_block: str, metric: str, dims: str, found: bool) -> None:
    got = _found(_tf(tmp_path, S3_ALARM % (metric_block, metric, dims)), "LIM011")
    assert bool(got) is found, [f.message for f in got]


def test_lim011_cloudformation_metrics_configuration(tmp_path: Path) -> None:
    def template(configs: list) -> dict:
        return {
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"MetricsConfigurations": configs}},
            "Alarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": {
                "Namespace": "AWS/S3", "MetricName": "AllRequests", "Statistic": "Sum", "Period": 300,
                "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanThreshold",
                "Dimensions": [{"Name": "BucketName", "Value": {"Ref": "Bucket"}},
                               {"Name": "FilterId", "Value": "EntireBucket"}]}}}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert _found(_cfn(tmp_path / "a", template([{"Id": "Other"}])), "LIM011")
    assert not _found(_cfn(tmp_path / "b", template([{"Id": "EntireBucket"}])), "LIM011")
