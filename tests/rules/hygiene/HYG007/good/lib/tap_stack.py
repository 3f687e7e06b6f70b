"""HYG007 good: the image is looked up in the deploy region (a region map is the region-aware form too)."""

from typing import Optional

import pulumi
import pulumi_aws as aws
from pulumi import ResourceOptions

# Images per region, picked by the deploy region: not reported.
BASTION_AMIS = {
    "us-east-1": "ami-06124b567f8becfbd",
    "us-west-2": "ami-0c2d06d50ce30b442",
}


class TapStackArgs:
    def __init__(self, environment_suffix: Optional[str] = None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name: str, args: TapStackArgs, opts: Optional[ResourceOptions] = None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        env = args.environment_suffix
        child = ResourceOptions(parent=self)
        self.stack_name = name
        region = aws.get_region().name
        image = aws.ssm.get_parameter(name="/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64")
        aws.ec2.Instance(f"web-{env}", instance_type="t3.micro", ami=image.value, opts=child)
        aws.ec2.Instance(f"bastion-{env}", instance_type="t3.micro", ami=BASTION_AMIS.get(region, image.value),
                         opts=child)
        self.register_outputs({"stack_name": name})
