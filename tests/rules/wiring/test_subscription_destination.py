"""WIR007 over hand-built graphs: CloudFormation (mapped) and Terraform/Pulumi (unmapped) subscription filters."""

from __future__ import annotations

import pytest

from iacqa.model import Location, Resource, Severity
from iacqa.rules.wiring.subscription_destination import SubscriptionFilterDestination as WIR007
from tests.rules.wiring import wiring_graphkit as gk

ACCT, REG = gk.ACCT, gk.REG


def cfn_filter(dest) -> Resource:
    return Resource(id="Filter", type="AWS::Logs::SubscriptionFilter", native_type="AWS::Logs::SubscriptionFilter",
                    properties={"LogGroupName": "/app", "FilterPattern": "", "DestinationArn": dest},
                    location=Location("template.yaml", 5))


def tf_filter(dest) -> Resource:
    return Resource(id="aws_cloudwatch_log_subscription_filter.f", type="aws_cloudwatch_log_subscription_filter",
                    native_type="aws_cloudwatch_log_subscription_filter", mapped=False,
                    native_properties={"name": "f", "log_group_name": "/app", "filter_pattern": "",
                                       "destination_arn": dest},
                    location=Location("main.tf", 3))


def test_wir007_cfn_filter_to_queue_of_the_stack():
    q = gk.queue("Queue")
    out = gk.run(WIR007, q, cfn_filter(q.outputs["Arn"]))
    assert len(out) == 1
    f = out[0]
    assert f.severity == Severity.CRITICAL and f.attribute == "DestinationArn" and f.resource == "Filter"
    assert "an SQS queue (Queue)" in f.message and f.error.startswith("InvalidParameterException")


def test_wir007_terraform_filter_to_topic():
    t = gk.topic("aws_sns_topic.alerts")
    out = gk.run(WIR007, t, tf_filter(t.outputs["Arn"]))
    assert len(out) == 1 and out[0].attribute == "destination_arn" and "an SNS topic" in out[0].message


@pytest.mark.parametrize("arn", [
    f"arn:aws:sns:{REG}:{ACCT}:outside-topic",
    f"arn:aws:sqs:{REG}:{ACCT}:outside-queue",
    f"arn:aws:logs:{REG}:{ACCT}:log-group:/other:*",
])
def test_wir007_literal_arn_of_a_wrong_service(arn):
    assert len(gk.run(WIR007, tf_filter(arn))) == 1


@pytest.mark.parametrize("arn", [
    f"arn:aws:kinesis:{REG}:{ACCT}:stream/logs",
    f"arn:aws:firehose:{REG}:{ACCT}:deliverystream/logs",
    f"arn:aws:lambda:{REG}:{ACCT}:function:forwarder",
    f"arn:aws:logs:{REG}:{ACCT}:destination:central",
    "<unresolved Output>",
    "mock-destination-arn",
    "${aws_kinesis_stream.s.arn}",
])
def test_wir007_supported_or_unknown_destinations(arn):
    assert gk.run(WIR007, tf_filter(arn)) == []
    assert gk.run(WIR007, cfn_filter(arn)) == []


def test_wir007_function_of_the_stack():
    fn = gk.function("forwarder")
    assert gk.run(WIR007, fn, cfn_filter(fn.outputs["Arn"])) == []
