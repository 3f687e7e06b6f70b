"""SDK009 bad: Outputs formatted into strings (tag key, policy ARN, environment value)."""

import json
from typing import Optional

import pulumi
import pulumi_aws as aws
from pulumi import ResourceOptions


class TapStackArgs:
    def __init__(self, environment_suffix: Optional[str] = None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name: str, args: TapStackArgs, opts: Optional[ResourceOptions] = None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        env = args.environment_suffix
        child = ResourceOptions(parent=self)
        table = aws.dynamodb.Table(
            f"orders-{env}",
            hash_key="id",
            attributes=[{"name": "id", "type": "S"}],
            billing_mode="PAY_PER_REQUEST",
            opts=child,
        )
        aws.sqs.Queue(
            f"jobs-{env}",
            tags={
                "Environment": env,
                f"owner/{table.name}": "orders",  # expect: SDK009
            },
            opts=child,
        )
        aws.iam.Policy(
            f"reader-{env}",
            policy=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Action": "dynamodb:GetItem",
                    "Resource": f"{table.arn}/index/*",  # expect: SDK009
                }],
            }),
            opts=child,
        )
        self.register_outputs({"table": table.name})
