"""Bucket notifications in every shape the front ends produce (CloudFormation bucket, Terraform/Pulumi bucket
notification, aws-cdk-lib's Custom::S3BucketNotifications) become the S3 events the emulator sends; a function no
flow reaches is judged on a synthetic event at medium at most, and says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from iacqa.emulate import events
from iacqa.model import CodeArtifact, Location, Resource, ResourceGraph

ACCT, REGION = "123456789012", "us-east-1"
IAC = "lib/stack.py"
READS_RECORDS = ("def handler(event, context):\n"
                 "    key = event['Records'][0]['s3']['object']['key']\n"
                 "    return {'key': key}\n")


def _graph(notification: Resource | None, code: str = READS_RECORDS) -> ResourceGraph:
    g = ResourceGraph(platform="cloudformation")
    g.add(Resource(id="Uploads", type="AWS::S3::Bucket", native_type="AWS::S3::Bucket",
                   properties={"BucketName": "uploads-dev"}, location=Location(IAC, 3),
                   outputs={"Arn": "arn:aws:s3:::uploads-dev", "Name": "uploads-dev"}))
    arn = f"arn:aws:lambda:{REGION}:{ACCT}:function:processor"
    g.add(Resource(id="Processor", type="AWS::Lambda::Function", native_type="AWS::Lambda::Function",
                   properties={"FunctionName": "processor", "Runtime": "python3.12", "Handler": "index.handler",
                               "Role": f"arn:aws:iam::{ACCT}:role/processor", "Timeout": 10, "MemorySize": 256},
                   location=Location(IAC, 8), outputs={"Arn": arn, "Name": "processor"}))
    art = CodeArtifact(resource="Processor", kind="inline")
    art.files["index.py"] = code
    art.origin["index.py"] = Location("lambda/index.py", 1)
    g.code["Processor"] = art
    if notification is not None:
        g.add(notification)
    return g


def _cdk(conf: dict) -> Resource:
    """What `bucket.add_event_notification(...)` synthesizes: the S3 API's configuration on BucketName."""
    return Resource(id="UploadsNotifications", type="Custom::S3BucketNotifications",
                    native_type="Custom::S3BucketNotifications", location=Location(IAC, 12),
                    properties={"ServiceToken": f"arn:aws:lambda:{REGION}:{ACCT}:function:BucketNotificationsHandler",
                                "BucketName": "uploads-dev", "NotificationConfiguration": conf, "Managed": True})


CDK_LAMBDA = {"LambdaFunctionConfigurations": [{
    "Events": ["s3:ObjectCreated:*"], "LambdaFunctionArn": f"arn:aws:lambda:{REGION}:{ACCT}:function:processor",
    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "uploads/"},
                                       {"Name": "suffix", "Value": ".csv"}]}}}]}


def test_cdk_custom_bucket_notifications_make_an_s3_trigger() -> None:
    trig = {t.function: t for t in events.triggers(_graph(_cdk(CDK_LAMBDA)))}
    t = trig["Processor"]
    assert (t.kind, t.source) == ("s3", "Uploads")
    assert t.detail == {"prefix": "uploads/", "suffix": ".csv", "event": "s3:ObjectCreated:*"}


def test_without_the_notification_the_function_is_invoked_directly() -> None:
    assert [t.kind for t in events.triggers(_graph(None))] == ["direct"]


def test_cloudformation_and_terraform_shapes_still_make_s3_triggers() -> None:
    g = _graph(None)
    g.resources["Uploads"].properties["NotificationConfiguration"] = {"LambdaConfigurations": [{
        "Event": "s3:ObjectCreated:Put", "Function": g.resources["Processor"].outputs["Arn"],
        "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": "in/"}]}}}]}
    assert [(t.kind, t.detail["prefix"], t.detail["event"]) for t in events.triggers(g)] == [
        ("s3", "in/", "s3:ObjectCreated:Put")]
    tf = Resource(id="aws_s3_bucket_notification.n", type="AWS::S3::BucketNotification",
                  native_type="aws_s3_bucket_notification",
                  properties={"Bucket": "uploads-dev", "LambdaFunctions": [{
                      "LambdaFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:processor",
                      "Events": ["s3:ObjectCreated:*"], "FilterSuffix": ".json"}]})
    assert [(t.kind, t.source, t.detail["suffix"]) for t in events.triggers(_graph(tf))] == [
        ("s3", "Uploads", ".json")]


def test_a_queue_the_bucket_notifies_carries_s3_events() -> None:
    (t,) = events.triggers(_queue_graph(READS_RECORDS))
    assert (t.kind, t.source) == ("sqs", "UploadsQueue")
    assert t.detail["s3"] == {"prefix": "", "suffix": "", "event": "s3:ObjectCreated:*", "bucket": "Uploads"}


def _queue_graph(code: str) -> ResourceGraph:
    g = _graph(_cdk({"QueueConfigurations": [{"Events": ["s3:ObjectCreated:*"],
                                              "QueueArn": f"arn:aws:sqs:{REGION}:{ACCT}:uploads-q"}]}), code)
    g.add(Resource(id="UploadsQueue", type="AWS::SQS::Queue", native_type="AWS::SQS::Queue",
                   properties={"QueueName": "uploads-q"},
                   outputs={"Arn": f"arn:aws:sqs:{REGION}:{ACCT}:uploads-q", "Name": "uploads-q",
                            "QueueUrl": f"https://sqs.{REGION}.amazonaws.com/{ACCT}/uploads-q"}))
    g.add(Resource(id="Esm", type="AWS::Lambda::EventSourceMapping", native_type="AWS::Lambda::EventSourceMapping",
                   properties={"FunctionName": "processor",
                               "EventSourceArn": f"arn:aws:sqs:{REGION}:{ACCT}:uploads-q"}))
    return g


def _emulate(tmp_path: Path, g: ResourceGraph):
    pytest.importorskip("moto")
    from iacqa.emulate import run

    return run(g, tmp_path, {"handler_timeout": 5})


@pytest.mark.slow
def test_the_handler_gets_a_real_s3_event_through_the_cdk_notification(tmp_path: Path) -> None:
    res = _emulate(tmp_path, _graph(_cdk(CDK_LAMBDA)))
    (hop,) = [h for h in res.flows if h["function"] == "Processor"]
    assert hop["kind"] == "s3" and hop["status"] == "ok", hop
    assert hop["result"] == {"key": "uploads/iacqa-test.csv"}
    assert not [f for f in res.findings if f.rule == "RTE001"]


@pytest.mark.slow
def test_a_failure_on_a_synthetic_event_is_medium_and_says_so(tmp_path: Path) -> None:
    # the twin without the notification: the handler is invoked directly with an event iacqa made up
    res = _emulate(tmp_path, _graph(None))
    (f,) = [f for f in res.findings if f.rule == "RTE001"]
    assert f.severity.value == "medium" and "synthetic event" in f.message and "KeyError" in f.error


@pytest.mark.slow
def test_a_failure_at_import_is_critical_even_on_a_synthetic_event(tmp_path: Path) -> None:
    code = "import json\nLIMIT = int('ten')\n\ndef handler(event, context):\n    return LIMIT\n"
    res = _emulate(tmp_path, _graph(None, code))
    (f,) = [f for f in res.findings if f.rule == "RTE001"]
    assert f.severity.value == "critical" and "synthetic" not in f.message and "ValueError" in f.error


@pytest.mark.slow
def test_a_consumer_of_the_notified_queue_reads_the_s3_event_from_the_body(tmp_path: Path) -> None:
    code = ("import json\n\ndef handler(event, context):\n"
            "    note = json.loads(event['Records'][0]['body'])\n"
            "    return {'key': note['Records'][0]['s3']['object']['key']}\n")
    res = _emulate(tmp_path, _queue_graph(code))
    (hop,) = [h for h in res.flows if h["function"] == "Processor"]
    assert hop["kind"] == "sqs" and hop["status"] == "ok", hop
    assert hop["result"] == {"key": "uploads/iacqa-test.json"}
