"""SEC003 bad: a public bucket policy with the public access block off."""

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
        aws.s3.BucketPublicAccessBlock(
            f"site-pab-{env}",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=False,  # expect: SEC003
            ignore_public_acls=True,
            restrict_public_buckets=False,
            opts=child,
        )
        aws.s3.BucketPolicy(
            f"site-policy-{env}",
            bucket=bucket.id,
            policy=bucket.arn.apply(lambda arn: json.dumps({
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Principal": "*",  # expect: SEC003
                    "Action": "s3:GetObject",
                    "Resource": f"{arn}/*",
                }],
            })),
            opts=child,
        )
        self.register_outputs({"stack_name": name})
