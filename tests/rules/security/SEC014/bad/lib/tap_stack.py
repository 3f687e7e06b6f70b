"""SEC014 bad: a replication rule with a filter (V2 schema) but no delete_marker_replication."""

import json
from typing import Optional

import pulumi
import pulumi_aws as aws
from pulumi import ResourceOptions

ASSUME = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}],
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
        role = aws.iam.Role(f"replication-role-{env}", assume_role_policy=ASSUME, opts=child)
        primary = aws.s3.Bucket(f"primary-{env}", force_destroy=True, opts=child)
        replica = aws.s3.Bucket(f"replica-{env}", force_destroy=True, opts=child)
        versions = []
        versions.append(aws.s3.BucketVersioning(
            f"primary-versioning-{env}", bucket=primary.id, versioning_configuration={"status": "Enabled"}, opts=child
        ))
        versions.append(aws.s3.BucketVersioning(
            f"replica-versioning-{env}", bucket=replica.id, versioning_configuration={"status": "Enabled"}, opts=child
        ))
        aws.s3.BucketReplicationConfig(
            f"crr-{env}",
            bucket=primary.id,
            role=role.arn,
            rules=[{  # expect: SEC014
                "id": "all",
                "status": "Enabled",
                "priority": 1,
                "filter": {"prefix": ""},
                "destination": {"bucket": replica.arn, "storage_class": "STANDARD"},
            }],
            opts=ResourceOptions(parent=self, depends_on=versions),
        )
        self.register_outputs({"stack_name": name})
