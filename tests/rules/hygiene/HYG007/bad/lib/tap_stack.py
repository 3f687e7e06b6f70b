"""HYG007 bad: an AMI id of one region in a stack deployed to the region of the environment."""

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
        config = pulumi.Config()
        aws.ec2.Instance(f"web-{env}", instance_type="t3.micro",
                         ami="ami-0c55b159cbfafe1f0",  # expect: HYG007
                         opts=child)
        aws.ec2.LaunchTemplate(f"workers-{env}", instance_type="t3.micro",
                               image_id=config.get("ami_id") or "ami-06124b567f8becfbd",  # expect: HYG007
                               opts=child)
        self.register_outputs({"stack_name": name})
