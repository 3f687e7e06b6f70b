"""PRM004 bad: a log group encrypted with a key that CloudWatch Logs may not use."""

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
        key = aws.kms.Key(f"logs-key-{env}", enable_key_rotation=True, opts=child)
        aws.cloudwatch.LogGroup(
            f"app-logs-{env}",
            name=f"/aws/lambda/app-{env}",
            retention_in_days=7,
            kms_key_id=key.arn,  # expect: PRM004
            opts=child,
        )

        self.register_outputs({})
