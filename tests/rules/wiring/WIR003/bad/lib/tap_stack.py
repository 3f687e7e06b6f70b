"""WIR003 bad: FIFO queue with a standard DLQ; FIFO queue without .fifo name."""

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
BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


class TapStackArgs:
    def __init__(self, environment_suffix: Optional[str] = None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name: str, args: TapStackArgs, opts: Optional[ResourceOptions] = None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        env = args.environment_suffix
        child = ResourceOptions(parent=self)
        dlq = aws.sqs.Queue(f"orders-dlq-{env}", message_retention_seconds=1209600, opts=child)
        orders = aws.sqs.Queue(
            f"orders-{env}",
            name=f"orders-{env}.fifo",
            fifo_queue=True,
            content_based_deduplication=True,
            redrive_policy=dlq.arn.apply(lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 3})),  # expect: WIR003
            opts=child,
        )
        aws.sqs.Queue(
            f"events-{env}",
            name=f"events-{env}",  # expect: WIR003
            fifo_queue=True,
            opts=child,
        )

        self.register_outputs({})
