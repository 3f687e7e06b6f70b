"""The same function encrypted with the key the stack creates."""

import pulumi
import pulumi_aws as aws

ASSUME = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}]}'
CODE = pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(event, context):\n    return {}\n")})


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(f"fn-role-{sfx}", assume_role_policy=ASSUME, opts=child)
        key = aws.kms.Key(f"fn-key-{sfx}", enable_key_rotation=True, deletion_window_in_days=7, opts=child)
        aws.lambda_.Function(
            f"worker-{sfx}",
            runtime="python3.12",
            handler="index.handler",
            role=role.arn,
            code=CODE,
            kms_key_arn=key.arn,
            opts=child,
        )
        self.register_outputs({})
