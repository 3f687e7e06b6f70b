"""HYG011 good: names from the environment suffix; the clock only inside Lambda code."""

from typing import Optional

import pulumi
import pulumi_aws as aws
from pulumi import ResourceOptions

HANDLER = """import datetime


def handler(event, context):
    return {"at": datetime.datetime.now().isoformat()}
"""


class TapStackArgs:
    def __init__(self, environment_suffix: Optional[str] = None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name: str, args: TapStackArgs, opts: Optional[ResourceOptions] = None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        env = args.environment_suffix
        child = ResourceOptions(parent=self)
        aws.s3.BucketV2(
            f"data-{env}",
            bucket=f"tap-data-{env}",
            force_destroy=True,
            tags={"Environment": env, "DeployedBy": "pulumi"},
            opts=child,
        )
        self.register_outputs({"stack_name": name, "handler_bytes": len(HANDLER)})
