"""Data bucket with the pulumi-aws 6 idioms that pulumi-aws 7 deprecates."""

import pulumi
import pulumi_aws as aws
from pulumi_aws.s3 import BucketVersioningV2


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        child = pulumi.ResourceOptions(parent=self)
        data = aws.s3.Bucket(
            f"data-{sfx}",
            versioning={"enabled": True},  # expect: SDK007
            server_side_encryption_configuration={  # expect: SDK007
                "rule": {"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}},
            },
            opts=child,
        )
        logs = aws.s3.BucketV2(f"logs-{sfx}", opts=child)  # expect: SDK007
        BucketVersioningV2(  # expect: SDK007
            f"logs-versioning-{sfx}",
            bucket=logs.id,
            versioning_configuration={"status": "Enabled"},
            opts=child,
        )
        region = aws.get_region()
        pulumi.export("region", region.name)  # expect: SDK007
        pulumi.export("bucket", data.bucket)
        pulumi.export("site", data.website_endpoint)  # expect: SDK007
        aws.dynamodb.Table(
            f"orders-{sfx}",
            attributes=[{"name": "pk", "type": "S"}, {"name": "status", "type": "S"}],
            hash_key="pk",
            billing_mode="PAY_PER_REQUEST",
            global_secondary_indexes=[{
                "name": "by-status",
                "hash_key": "status",  # expect: SDK007
                "projection_type": "ALL",
            }],
            opts=child,
        )
