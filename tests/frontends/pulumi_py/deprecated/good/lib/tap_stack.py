"""Data bucket with the split S3 resources pulumi-aws 7 recommends."""

import pulumi
import pulumi_aws as aws
from pulumi_aws.s3 import BucketVersioning


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        child = pulumi.ResourceOptions(parent=self)
        data = aws.s3.Bucket(f"data-{sfx}", opts=child)
        aws.s3.BucketVersioning(
            f"data-versioning-{sfx}",
            bucket=data.id,
            versioning_configuration={"status": "Enabled"},
            opts=child,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"data-sse-{sfx}",
            bucket=data.id,
            rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}],
            opts=child,
        )
        logs = aws.s3.Bucket(f"logs-{sfx}", opts=child)
        BucketVersioning(
            f"logs-versioning-{sfx}",
            bucket=logs.id,
            versioning_configuration={"status": "Enabled"},
            opts=child,
        )
        region = aws.get_region()
        pulumi.export("region", region.region)
        pulumi.export("bucket", data.bucket)
        pulumi.export("domain", data.bucket_regional_domain_name)
        aws.dynamodb.Table(
            f"orders-{sfx}",
            attributes=[{"name": "pk", "type": "S"}, {"name": "status", "type": "S"}],
            hash_key="pk",
            billing_mode="PAY_PER_REQUEST",
            global_secondary_indexes=[{
                "name": "by-status",
                "key_schemas": [{"attribute_name": "status", "key_type": "HASH"}],
                "projection_type": "ALL",
            }],
            opts=child,
        )
