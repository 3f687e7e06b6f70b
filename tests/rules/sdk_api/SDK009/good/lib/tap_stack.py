"""SDK009 good: strings built from Outputs inside apply()/Output.concat."""

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
            tags=table.name.apply(lambda n: {"Environment": env, f"owner/{n}": "orders"}),
            opts=child,
        )
        aws.iam.Policy(
            f"reader-{env}",
            policy=table.arn.apply(lambda arn: json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": f"{arn}/index/*"}],
            })),
            opts=child,
        )
        self.register_outputs({"table": pulumi.Output.concat("table: ", table.name)})
