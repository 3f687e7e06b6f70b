"""PRM005 bad: EventBridge rule targets that the services behind them do not let EventBridge deliver to."""

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
        aws.cloudwatch.EventTarget(
            f"to-queue-{env}",
            rule=rule.name,
            arn=queue.arn,  # expect: PRM005
            opts=child,
        )
        aws.cloudwatch.EventTarget(
            f"to-topic-{env}",
            rule=rule.name,
            arn=topic.arn,  # expect: PRM005
            opts=child,
        )
        aws.cloudwatch.EventTarget(
            f"to-function-{env}",
            rule=rule.name,
            arn=fn.arn,  # expect: PRM005
            opts=child,
        )
        # A queue policy exists, but it lets S3 send, not EventBridge.
        audit = aws.sqs.Queue(f"audit-{env}", opts=child)
        aws.sqs.QueuePolicy(
            f"audit-policy-{env}",
            queue_url=audit.id,
            policy=audit.arn.apply(lambda arn: json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sqs:SendMessage",
                "Resource": arn}]})),
            opts=child,
        )
        aws.cloudwatch.EventTarget(
            f"to-audit-{env}",
            rule=rule.name,
            arn=audit.arn,  # expect: PRM005
            opts=child,
        )

        self.register_outputs({})
