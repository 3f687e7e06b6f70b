"""Web tier open to the internet on HTTPS only; SSH from inside the VPC."""

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
                {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/16"]},
            ],
            egress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}],
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.ec2.SecurityGroupRule(
            f"web-ping-{sfx}",
            type="ingress",
            security_group_id=web.id,
            protocol="icmp",
            from_port=8,
            to_port=0,
            cidr_blocks=["0.0.0.0/0"],
            opts=pulumi.ResourceOptions(parent=self),
        )
        pulumi.export("web_sg_id", web.id)
