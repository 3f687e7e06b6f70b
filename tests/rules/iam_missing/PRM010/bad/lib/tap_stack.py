"""PRM010 bad: the data bucket logs into a log bucket whose (missing) policy does not let S3 log delivery write."""

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
        aws.s3.BucketLoggingV2(
            f"data-logging-{env}",
            bucket=data.id,
            target_bucket=logs.id,  # expect: PRM010
            target_prefix="data/",
            opts=child,
        )
        pulumi.export("log_policy_example", json.dumps({"note": "no bucket policy on the log bucket"}))

        self.register_outputs({})
