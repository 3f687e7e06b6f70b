"""HYG006 good: the zones are read from the deploy region."""

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
        azs = aws.get_availability_zones(state="available")
        vpc = aws.ec2.Vpc(f"vpc-{env}", cidr_block="10.0.0.0/16", opts=child)
        for i, cidr in enumerate(["10.0.1.0/24", "10.0.2.0/24"]):
            aws.ec2.Subnet(f"public-{i}-{env}", vpc_id=vpc.id, cidr_block=cidr,
                           availability_zone=azs.names[i], opts=child)
        self.register_outputs({"stack_name": name})
