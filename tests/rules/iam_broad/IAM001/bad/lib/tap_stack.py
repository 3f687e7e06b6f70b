"""IAM001 bad: a service wildcard in an inline policy and in a role policy."""

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
        table = aws.dynamodb.Table(
            f"orders-{env}",
            hash_key="id",
            attributes=[{"name": "id", "type": "S"}],
            billing_mode="PAY_PER_REQUEST",
            opts=child,
        )
        role = aws.iam.Role(f"fn-role-{env}", assume_role_policy=ASSUME, opts=child)

        aws.iam.RolePolicy(
            f"fn-policy-{env}",
            role=role.id,
            policy=table.arn.apply(lambda arn: json.dumps({
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "dynamodb:*", "Resource": arn},  # expect: IAM001
                    {"Effect": "Deny", "Action": "dynamodb:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
                ],
            })),
            opts=child,
        )
        aws.iam.Role(
            f"reports-role-{env}",
            assume_role_policy=ASSUME,
            inline_policies=[aws.iam.RoleInlinePolicyArgs(
                name="reports",
                policy=json.dumps({
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Effect": "Allow",
                        "Action": ["s3:*"],  # expect: IAM001
                        "Resource": f"arn:aws:s3:::reports-{env}/*",
                    }],
                }),
            )],
            opts=child,
        )
        self.register_outputs({"stack_name": name})
