"""PRM008 bad: a role policy with a Condition operator IAM does not have, a bucket policy with a Bool of 'no'."""

import json
from typing import Optional

import pulumi
import pulumi_aws as aws
from pulumi import ResourceOptions

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
        bucket = aws.s3.BucketV2(f"reports-{env}", opts=child)
        role = aws.iam.Role(f"reader-role-{env}", assume_role_policy=ASSUME, opts=child)
        aws.iam.RolePolicy(
            f"reader-policy-{env}",
            role=role.id,
            policy=bucket.arn.apply(lambda arn: json.dumps({
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Action": ["s3:GetObject"],
                    "Resource": f"{arn}/*",
                    "Condition": {
                        "StringEqual": {"s3:ExistingObjectTag/team": "reports"},  # expect: PRM008
                    },
                }],
            })),
            opts=child,
        )
        aws.s3.BucketPolicy(
            f"reports-policy-{env}",
            bucket=bucket.id,
            policy=bucket.arn.apply(lambda arn: json.dumps({
                "Version": "2012-10-17",
                "Statement": [{
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [arn, f"{arn}/*"],
                    "Condition": {"Bool": {
                        "aws:SecureTransport": "no",  # expect: PRM008
                    }},
                }],
            })),
            opts=child,
        )

        self.register_outputs({})
