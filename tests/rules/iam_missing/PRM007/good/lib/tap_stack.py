"""PRM007 good: the rotation function lets Secrets Manager invoke it; the API key secret is rotated by it too."""

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
        role = aws.iam.Role(f"rotator-role-{env}", assume_role_policy=ASSUME, opts=child)
        aws.iam.RolePolicyAttachment(
            f"rotator-basic-{env}",
            role=role.name,
            policy_arn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            opts=child,
        )
        rotator = aws.lambda_.Function(
            f"rotator-{env}",
            runtime="python3.12",
            handler="index.handler",
            role=role.arn,
            code=CODE,
            timeout=30,
            opts=child,
        )
        invoke = aws.lambda_.Permission(
            f"rotator-invoke-{env}",
            action="lambda:InvokeFunction",
            function=rotator.name,
            principal="secretsmanager.amazonaws.com",
            opts=child,
        )
        secret = aws.secretsmanager.Secret(f"db-credentials-{env}", opts=child)
        aws.secretsmanager.SecretRotation(
            f"db-credentials-rotation-{env}",
            secret_id=secret.id,
            rotation_lambda_arn=rotator.arn,
            rotation_rules={"automatically_after_days": 30},
            opts=ResourceOptions(parent=self, depends_on=[invoke]),
        )
        other = aws.secretsmanager.Secret(f"api-key-{env}", opts=child)
        aws.secretsmanager.SecretRotation(
            f"api-key-rotation-{env}",
            secret_id=other.id,
            rotation_lambda_arn=rotator.arn,
            rotation_rules={"automatically_after_days": 30},
            opts=ResourceOptions(parent=self, depends_on=[invoke]),
        )

        self.register_outputs({})
