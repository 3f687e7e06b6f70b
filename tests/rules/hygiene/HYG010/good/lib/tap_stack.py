"""HYG010 good: every key has an alias (one by key_id, one by the key's ARN)."""

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
        self.stack_name = name
        data_key = aws.kms.Key(f"data-key-{env}", enable_key_rotation=True, opts=child)
        aws.kms.Alias(f"data-key-alias-{env}", name=f"alias/data-{env}", target_key_id=data_key.key_id, opts=child)
        logs_key = aws.kms.Key(f"logs-key-{env}", enable_key_rotation=True, opts=child)
        aws.kms.Alias(f"logs-key-alias-{env}", name=f"alias/logs-{env}", target_key_id=logs_key.arn, opts=child)
        self.register_outputs({"stack_name": name})
