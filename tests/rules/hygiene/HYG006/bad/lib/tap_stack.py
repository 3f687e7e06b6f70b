"""HYG006 bad: the region comes from the deploy environment, the subnets name zones of one region."""

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
        region = aws.get_region().name
        vpc = aws.ec2.Vpc(f"vpc-{env}", cidr_block="10.0.0.0/16", opts=child)
        aws.ec2.Subnet(f"public-a-{env}", vpc_id=vpc.id, cidr_block="10.0.1.0/24",
                       availability_zone="us-east-1a",  # expect: HYG006
                       opts=child)
        aws.ec2.Subnet(f"public-b-{env}", vpc_id=vpc.id, cidr_block="10.0.2.0/24",
                       availability_zone=f"{region}b",  # expect: HYG006
                       opts=child)
        self.register_outputs({"stack_name": name})
