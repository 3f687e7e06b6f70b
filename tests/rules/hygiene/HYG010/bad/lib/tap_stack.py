"""HYG010 bad: two keys, one with an alias and one without."""

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
        aws.kms.Key(f"logs-key-{env}", enable_key_rotation=True, opts=child)  # expect: HYG010
        self.register_outputs({"stack_name": name})
