"""Access-log bucket given the log-delivery-write ACL while its ACLs are disabled (S3's default)."""

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        logs = aws.s3.Bucket(f"access-logs-{sfx}", bucket=f"access-logs-{sfx}",
                             opts=pulumi.ResourceOptions(parent=self))
        aws.s3.BucketAclV2(
            f"access-logs-acl-{sfx}",
            bucket=logs.id,
            acl="log-delivery-write",  # expect: LIM012
            opts=pulumi.ResourceOptions(parent=self),
        )
