"""WIR011 bad: a bucket logging into itself, another logging into a bucket encrypted with SSE-KMS."""

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
        key = aws.kms.Key(f"data-key-{env}", enable_key_rotation=True, opts=child)
        data = aws.s3.BucketV2(f"data-{env}", opts=child)
        logs = aws.s3.BucketV2(f"access-logs-{env}", opts=child)
        aws.s3.BucketServerSideEncryptionConfigurationV2(
            f"access-logs-sse-{env}",
            bucket=logs.id,
            rules=[{"apply_server_side_encryption_by_default": {
                "sse_algorithm": "aws:kms",
                "kms_master_key_id": key.arn,
            }}],
            opts=child,
        )
        aws.s3.BucketLoggingV2(
            f"data-logging-{env}",
            bucket=data.id,
            target_bucket=logs.id,  # expect: WIR011
            target_prefix="data/",
            opts=child,
        )
        aws.s3.BucketLoggingV2(
            f"logs-logging-{env}",
            bucket=logs.id,
            target_bucket=logs.id,  # expect: WIR011
            target_prefix="self/",
            opts=child,
        )

        self.register_outputs({})
