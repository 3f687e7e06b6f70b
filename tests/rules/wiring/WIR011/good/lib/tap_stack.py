"""WIR011 good: the data bucket logs into a separate log bucket encrypted with SSE-S3 whose policy lets S3 log
delivery write; the log bucket is not logged."""

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
        data = aws.s3.BucketV2(f"data-{env}", opts=child)
        logs = aws.s3.BucketV2(f"access-logs-{env}", opts=child)
        aws.s3.BucketServerSideEncryptionConfigurationV2(
            f"access-logs-sse-{env}",
            bucket=logs.id,
            rules=[{"apply_server_side_encryption_by_default": {
                "sse_algorithm": "AES256",
            }}],
            opts=child,
        )
        aws.s3.BucketLoggingV2(
            f"data-logging-{env}",
            bucket=data.id,
            target_bucket=logs.id,
            target_prefix="data/",
            opts=child,
        )

        aws.s3.BucketPolicy(
            f"access-logs-policy-{env}",
            bucket=logs.id,
            policy=logs.arn.apply(lambda arn: json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
                               "Action": "s3:PutObject", "Resource": f"{arn}/data/*"}],
            })),
            opts=child,
        )

        self.register_outputs({})
