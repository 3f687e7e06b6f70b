"""SEC003 good: all blocks on; access for one role."""

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
        bucket = aws.s3.BucketV2(f"site-{env}", opts=child)
        role = aws.iam.Role(f"reader-{env}", assume_role_policy=ASSUME, opts=child)
        aws.s3.BucketPublicAccessBlock(
            f"site-pab-{env}",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        aws.s3.BucketPolicy(
            f"site-policy-{env}",
            bucket=bucket.id,
            policy=pulumi.Output.all(bucket.arn, role.arn).apply(lambda v: json.dumps({
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Principal": {"AWS": v[1]},
                    "Action": "s3:GetObject",
                    "Resource": f"{v[0]}/*",
                }],
            })),
            opts=child,
        )
        self.register_outputs({"stack_name": name})
