"""HYG004 bad: protection and retention that block teardown."""

import json
from typing import Optional

import pulumi
import pulumi_aws as aws
from pulumi import ResourceOptions

CODE = pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(event, context):\n    return {}\n")})
ASSUME = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
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
        aws.dynamodb.Table(
            f"orders-{env}",
            hash_key="id",
            attributes=[{"name": "id", "type": "S"}],
            billing_mode="PAY_PER_REQUEST",
            deletion_protection_enabled=True,  # expect: HYG004
            opts=child,
        )
        aws.sqs.Queue(
            f"jobs-{env}",
            opts=ResourceOptions(parent=self, retain_on_delete=True),  # expect: HYG004
        )
        aws.rds.Instance(  # expect: HYG004
            f"db-{env}",
            engine="postgres",
            instance_class="db.t3.micro",
            allocated_storage=20,
            username="dbadmin",
            manage_master_user_password=True,
            storage_encrypted=True,
            opts=child,
        )
        aws.ecr.Repository(  # expect: HYG004
            f"images-{env}",
            image_tag_mutability="IMMUTABLE",
            opts=child,
        )
        self.register_outputs({"stack_name": name})
