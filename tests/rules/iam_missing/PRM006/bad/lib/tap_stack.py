"""PRM006 bad: CloudTrail trails whose bucket policy does not let CloudTrail write, or is not ordered first."""

import json
from typing import Optional

import pulumi
import pulumi_aws as aws
from pulumi import ResourceOptions


class TapStackArgs:
    def __init__(self, environment_suffix: Optional[str] = None):
        self.environment_suffix = environment_suffix or "dev"


def _trail_policy(bucket_arn: str, actions: list) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": actions, "Resource": [bucket_arn, f"{bucket_arn}/*"]}]})


class TapStack(pulumi.ComponentResource):
    def __init__(self, name: str, args: TapStackArgs, opts: Optional[ResourceOptions] = None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        env = args.environment_suffix
        child = ResourceOptions(parent=self)

        # No bucket policy at all.
        bare = aws.s3.BucketV2(f"trail-logs-{env}", force_destroy=True, opts=child)
        aws.cloudtrail.Trail(
            f"audit-trail-{env}",
            s3_bucket_name=bare.id,  # expect: PRM006
            is_multi_region_trail=True,
            opts=child,
        )

        # A bucket policy that grants s3:PutObject but not s3:GetBucketAcl.
        partial = aws.s3.BucketV2(f"partial-logs-{env}", force_destroy=True, opts=child)
        aws.s3.BucketPolicy(
            f"partial-logs-policy-{env}",
            bucket=partial.id,
            policy=partial.arn.apply(lambda arn: _trail_policy(arn, ["s3:PutObject"])),
            opts=child,
        )
        aws.cloudtrail.Trail(
            f"partial-trail-{env}",
            s3_bucket_name=partial.id,  # expect: PRM006
            opts=child,
        )

        # A complete policy, but nothing orders it before the trail (medium: a race at create time).
        racy = aws.s3.BucketV2(f"racy-logs-{env}", force_destroy=True, opts=child)
        aws.s3.BucketPolicy(
            f"racy-logs-policy-{env}",
            bucket=racy.id,
            policy=racy.arn.apply(lambda arn: _trail_policy(arn, ["s3:GetBucketAcl", "s3:PutObject"])),
            opts=child,
        )
        aws.cloudtrail.Trail(  # expect: PRM006
            f"racy-trail-{env}",
            s3_bucket_name=racy.id,
            opts=child,
        )

        self.register_outputs({})
