"""HYG008 bad: the security group goes into the account's default VPC."""

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
        vpc = aws.ec2.get_vpc(default=True)  # expect: HYG008
        aws.ec2.SecurityGroup(f"app-sg-{env}", vpc_id=vpc.id, description="app", opts=child)
        self.register_outputs({"stack_name": name})
