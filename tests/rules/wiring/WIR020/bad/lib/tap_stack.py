"""A cross-region VPC peering connection nobody accepts."""

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        child = pulumi.ResourceOptions(parent=self)
        west = aws.Provider(f"west-{sfx}", region="us-west-2", opts=child)
        in_west = pulumi.ResourceOptions(parent=self, provider=west)
        primary = aws.ec2.Vpc(f"primary-vpc-{sfx}", cidr_block="10.0.0.0/16", opts=child)
        secondary = aws.ec2.Vpc(f"secondary-vpc-{sfx}", cidr_block="10.1.0.0/16", opts=in_west)
        peering = aws.ec2.VpcPeeringConnection(
            f"primary-to-secondary-{sfx}",
            vpc_id=primary.id,
            peer_vpc_id=secondary.id,
            peer_region="us-west-2",
            auto_accept=False,  # expect: WIR020
            opts=child,
        )
