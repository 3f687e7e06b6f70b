"""Network with a VPC CIDR block EC2 rejects (five octets)."""

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        vpc = aws.ec2.Vpc(
            f"main-vpc-{sfx}",
            cidr_block="10.0.0.0.0/16",  # expect: LIM005
            enable_dns_hostnames=True,
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.ec2.SecurityGroup(
            f"web-sg-{sfx}",
            vpc_id=vpc.id,
            ingress=[{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["10.0.0.0/16"]}],
            opts=pulumi.ResourceOptions(parent=self),
        )
