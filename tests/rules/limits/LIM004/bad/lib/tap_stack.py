"""Order function with an environment the Lambda API rejects."""

import json

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        role = aws.iam.Role(
            f"orders-role-{sfx}",
            assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.lambda_.Function(
            f"orders-{sfx}",
            runtime="python3.12",
            handler="index.handler",
            role=role.arn,
            code=pulumi.AssetArchive({"index.py": pulumi.StringAsset(
                "import os\n\ndef handler(event, context):\n    return os.environ['AWS_REGION']\n")}),
            environment={"variables": {
                "AWS_REGION": "us-east-1",  # expect: LIM004
                "STAGE": "prod",
            }},
            opts=pulumi.ResourceOptions(parent=self),
        )
