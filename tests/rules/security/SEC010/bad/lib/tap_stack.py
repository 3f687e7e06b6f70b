"""SEC010 bad: a function URL without authentication that any web origin may call."""

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


class TapStackArgs:
    def __init__(self, environment_suffix: Optional[str] = None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name: str, args: TapStackArgs, opts: Optional[ResourceOptions] = None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        env = args.environment_suffix
        child = ResourceOptions(parent=self)
        self.stack_name = name
        role = aws.iam.Role(f"fn-role-{env}", assume_role_policy=ASSUME, opts=child)
        fn = aws.lambda_.Function(
            f"api-fn-{env}", runtime="python3.12", handler="index.handler", role=role.arn, code=CODE, opts=child
        )
        aws.lambda_.FunctionUrl(
            f"api-url-{env}",
            function_name=fn.name,
            authorization_type="NONE",
            cors={"allow_origins": ["*"], "allow_methods": ["GET"]},  # expect: SEC010
            opts=child,
        )
        self.register_outputs({"stack_name": name})
