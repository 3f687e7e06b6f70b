"""Access-log bucket given the log-delivery-write ACL after enabling ACLs (BucketOwnerPreferred)."""

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
        ownership = aws.s3.BucketOwnershipControls(
            f"access-logs-ownership-{sfx}",
            bucket=logs.id,
            rule={"object_ownership": "BucketOwnerPreferred"},
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.s3.BucketAclV2(
            f"access-logs-acl-{sfx}",
            bucket=logs.id,
            acl="log-delivery-write",
            opts=pulumi.ResourceOptions(parent=self, depends_on=[ownership]),
        )
