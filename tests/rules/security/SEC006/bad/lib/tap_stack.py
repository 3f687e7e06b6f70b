"""Web tier whose security group lets the internet in on SSH and on every protocol."""

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        vpc = aws.ec2.Vpc(f"vpc-{sfx}", cidr_block="10.0.0.0/16", opts=pulumi.ResourceOptions(parent=self))
        web = aws.ec2.SecurityGroup(
            f"web-sg-{sfx}",
            vpc_id=vpc.id,
            description="web tier",
            ingress=[
                {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]},
                {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]},  # expect: SEC006
            ],
            egress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}],
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.ec2.SecurityGroupRule(
            f"web-any-{sfx}",
            type="ingress",
            security_group_id=web.id,
            protocol="-1",
            from_port=0,
            to_port=0,
            ipv6_cidr_blocks=["::/0"],  # expect: SEC006
            opts=pulumi.ResourceOptions(parent=self),
        )
        pulumi.export("web_sg_id", web.id)
