"""PRM005 good: every EventBridge target lets events.amazonaws.com deliver to it."""

import json
from typing import Optional

import pulumi
import pulumi_aws as aws
from pulumi import ResourceOptions

CODE = pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(event, context):\n    return {}\n")})
ASSUME = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
})
PATTERN = json.dumps({"source": ["orders.service"], "detail-type": ["OrderPlaced"]})


def _events_may(action: str, arn: str, rule_arn: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": action, "Resource": arn,
        "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}}}]})


class TapStackArgs:
    def __init__(self, environment_suffix: Optional[str] = None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name: str, args: TapStackArgs, opts: Optional[ResourceOptions] = None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        env = args.environment_suffix
        child = ResourceOptions(parent=self)
        queue = aws.sqs.Queue(f"orders-{env}", opts=child)
        topic = aws.sns.Topic(f"order-alerts-{env}", opts=child)
        role = aws.iam.Role(f"fn-role-{env}", assume_role_policy=ASSUME, opts=child)
        fn = aws.lambda_.Function(
            f"order-handler-{env}", runtime="python3.12", handler="index.handler", role=role.arn, code=CODE, opts=child)
        rule = aws.cloudwatch.EventRule(f"order-placed-{env}", event_pattern=PATTERN, opts=child)
        aws.sqs.QueuePolicy(
            f"orders-policy-{env}",
            queue_url=queue.id,
            policy=pulumi.Output.all(queue.arn, rule.arn).apply(
                lambda a: _events_may("sqs:SendMessage", a[0], a[1])),
            opts=child,
        )
        aws.sns.TopicPolicy(
            f"order-alerts-policy-{env}",
            arn=topic.arn,
            policy=pulumi.Output.all(topic.arn, rule.arn).apply(lambda a: _events_may("sns:Publish", a[0], a[1])),
            opts=child,
        )
        aws.lambda_.Permission(
            f"events-invoke-{env}",
            action="lambda:InvokeFunction",
            function=fn.name,
            principal="events.amazonaws.com",
            source_arn=rule.arn,
            opts=child,
        )
        aws.cloudwatch.EventTarget(f"to-queue-{env}", rule=rule.name, arn=queue.arn, opts=child)
        aws.cloudwatch.EventTarget(f"to-topic-{env}", rule=rule.name, arn=topic.arn, opts=child)
        aws.cloudwatch.EventTarget(f"to-function-{env}", rule=rule.name, arn=fn.arn, opts=child)

        self.register_outputs({})
