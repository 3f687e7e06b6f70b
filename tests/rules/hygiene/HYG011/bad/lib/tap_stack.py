"""HYG011 bad: a bucket name and a tag taken from the clock when the program runs."""

import datetime
import time
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
        deployed = datetime.datetime.now(datetime.timezone.utc).isoformat()
        aws.s3.BucketV2(
            f"data-{env}",
            bucket=f"tap-data-{env}-{int(time.time())}",  # expect: HYG011
            force_destroy=True,
            tags={"Environment": env, "DeployedAt": deployed},  # expect: HYG011
            opts=child,
        )
        self.register_outputs({"stack_name": name})
