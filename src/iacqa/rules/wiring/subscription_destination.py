"""WIR007: a CloudWatch Logs subscription filter that streams to a kind of resource Logs cannot deliver to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iacqa.model import Category, Finding, Resource, ResourceGraph, Severity
from iacqa.rules.base import Rule
from iacqa.rules.context import RuleContext
from iacqa.rules.wiring._refs import KIND_LABEL, arn_service, is_placeholder

FILTER_TYPES = ("AWS::Logs::SubscriptionFilter", "aws_cloudwatch_log_subscription_filter",
                "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter")
# Resources a subscription filter can never deliver to (CFN types, as mapped by every front end), with words.
WRONG_TYPES = {
    "AWS::SNS::Topic": "an SNS topic",
    "AWS::SQS::Queue": "an SQS queue",
    "AWS::S3::Bucket": "an S3 bucket",
    "AWS::DynamoDB::Table": "a DynamoDB table",
    "AWS::Logs::LogGroup": "a log group",
    "AWS::StepFunctions::StateMachine": "a state machine",
    "AWS::Events::EventBus": "an EventBridge bus",
    "AWS::Events::Rule": "an EventBridge rule",
    "AWS::IAM::Role": "an IAM role",
    "AWS::KMS::Key": "a KMS key",
}
# ARN service fields of a literal ARN outside the stack that cannot be a destination.
WRONG_SERVICES = {"sns", "sqs", "s3", "dynamodb", "states", "events", "events-rule", "iam-role", "kms"}
SUPPORTED = ("a Kinesis data stream, a Firehose delivery stream, a Lambda function or a CloudWatch Logs destination "
             "(AWS::Logs::Destination for cross-account delivery)")


def _destination(r: Resource) -> tuple[Any, str]:
    if r.has("DestinationArn"):
        return r.get("DestinationArn"), "DestinationArn"
    return r.native_properties.get("destination_arn"), "destination_arn"


def _wrong(graph: ResourceGraph, value: str) -> tuple[str, Resource | None] | None:
    """(words for what the value names, the resource) when it cannot be a subscription destination."""
    hit = graph.resolve(value)
    if hit is not None:
        res, _ = hit
        if res.type in WRONG_TYPES:
            return WRONG_TYPES[res.type], res
        return None  # a supported kind, or a type this rule does not judge
    if not value.startswith("arn:"):
        return None
    kind = arn_service(value)
    if kind in WRONG_SERVICES:
        return KIND_LABEL.get(kind or "", f"a {kind} resource"), None
    if kind == "logs" and ":log-group:" in value:
        return "a log group", None
    return None


class SubscriptionFilterDestination(Rule):
    """A CloudWatch Logs subscription filter whose destination is not a kind of resource Logs can stream to.

    What it finds: a subscription filter (`AWS::Logs::SubscriptionFilter`, `aws.cloudwatch.LogSubscriptionFilter`,
    `aws_cloudwatch_log_subscription_filter`) whose `DestinationArn` names an SNS topic, an SQS queue, an S3 bucket,
    a DynamoDB table, a log group, a state machine, an EventBridge bus or rule (a resource of the stack of that
    type, or a literal ARN of that service). Silent for values not known before deploy and for resource types it
    does not know.
    Why it breaks: CloudWatch Logs delivers subscription data only to a Kinesis data stream, a Firehose delivery
    stream, a Lambda function, or a Logs destination; PutSubscriptionFilter refuses any other ARN, so the deploy
    stops at the filter. Models often wire "log errors -> SNS alert" this way; the working pattern is a metric
    filter plus an alarm with an SNS action, or a Lambda destination that publishes.
    Bad: `aws.cloudwatch.LogSubscriptionFilter("f", log_group=lg.name, filter_pattern="ERROR",
    destination_arn=topic.arn)`.
    Good: `destination_arn=forwarder_fn.arn` (with an `aws.lambda_.Permission` for `logs.amazonaws.com`), or
    `aws.cloudwatch.LogMetricFilter` + `aws.cloudwatch.MetricAlarm(alarm_actions=[topic.arn])`.
    What AWS says: the CloudWatch Logs API model (botocore `logs`, PutSubscriptionFilter `destinationArn`): "The
    ARN of the destination to deliver matching log events to. Currently, the supported destinations are: An
    Amazon Kinesis stream belonging to the same account as the subscription filter, for same-account delivery. A
    logical destination (specified using an ARN) belonging to a different account, for cross-account delivery.
    [...] A Kinesis Data Firehose delivery stream belonging to the same account as the subscription filter, for
    same-account delivery. A Lambda function belonging to the same account as the subscription filter, for
    same-account delivery." The call fails with `InvalidParameterException`.
    References: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutSubscriptionFilter.html ,
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Subscriptions.html
    """

    id = "WIR007"
    category = Category.WIRING
    severity = Severity.CRITICAL
    title = "log subscription filter to an unsupported destination"
    resource_types = FILTER_TYPES

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        g = ctx.graph
        for r in g:
            if r.type not in FILTER_TYPES and r.native_type not in FILTER_TYPES:
                continue
            value, attr = _destination(r)
            if not isinstance(value, str) or not value or is_placeholder(value) or "<unresolved" in value \
                    or "${" in value:
                continue
            wrong = _wrong(g, value)
            if wrong is None:
                continue
            what, res = wrong
            named = f"{what} ({res.id})" if res is not None else f"{what} (`{value}`)"
            yield self.finding(
                f"subscription filter {r.id} streams log events to {named}: CloudWatch Logs delivers subscription "
                f"data only to {SUPPORTED}", resource=r, attribute=attr,
                error=("InvalidParameterException from PutSubscriptionFilter: the destination ARN is not a Kinesis "
                       "stream, Firehose delivery stream, Lambda function or Logs destination"),
                fix=("point destination_arn at a Lambda function (with a lambda permission for logs.amazonaws.com), "
                     "a Kinesis stream or a Firehose delivery stream; to alert on log lines through SNS, use a "
                     "metric filter and a CloudWatch alarm whose alarm_actions name the topic"),
                destination=value)
