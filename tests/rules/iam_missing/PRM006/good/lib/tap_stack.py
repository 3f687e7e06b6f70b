"""PRM006 good: the trail's bucket policy lets CloudTrail check the ACL and write under the key prefix, first."""

import json
from typing import Optional

import pulumi
import pulumi_aws as aws
from pulumi import ResourceOptions


class TapStackArgs:
    def __init__(self, environment_suffix: Optional[str] = None):
        self.environment_suffix = environment_suffix or "dev"


def _trail_policy(bucket_arn: str, account: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": bucket_arn},
        {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"{bucket_arn}/audit/AWSLogs/{account}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}]})


class TapStack(pulumi.ComponentResource):
    def __init__(self, name: str, args: TapStackArgs, opts: Optional[ResourceOptions] = None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        env = args.environment_suffix
        child = ResourceOptions(parent=self)
        account = aws.get_caller_identity().account_id
        logs = aws.s3.BucketV2(f"trail-logs-{env}", force_destroy=True, opts=child)
        policy = aws.s3.BucketPolicy(
            f"trail-logs-policy-{env}",
            bucket=logs.id,
            policy=logs.arn.apply(lambda arn: _trail_policy(arn, account)),
            opts=child,
        )
        aws.cloudtrail.Trail(
            f"audit-trail-{env}",
            s3_bucket_name=logs.id,
            s3_key_prefix="audit",
            is_multi_region_trail=True,
            opts=ResourceOptions(parent=self, depends_on=[policy]),
        )

        self.register_outputs({})
