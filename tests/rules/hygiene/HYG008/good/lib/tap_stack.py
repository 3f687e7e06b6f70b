"""HYG008 good: the stack owns its VPC; a lookup by id (not the default VPC) is fine too."""

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
        vpc = aws.ec2.Vpc(f"vpc-{env}", cidr_block="10.0.0.0/16", opts=child)
        aws.ec2.SecurityGroup(f"app-sg-{env}", vpc_id=vpc.id, description="app", opts=child)
        shared_id = pulumi.Config().get("shared_vpc_id")
        if shared_id:
            shared = aws.ec2.get_vpc(id=shared_id, default=False)
            aws.ec2.SecurityGroup(f"shared-sg-{env}", vpc_id=shared.id, description="shared", opts=child)
        self.register_outputs({"stack_name": name})
