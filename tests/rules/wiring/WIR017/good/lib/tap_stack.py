"""An internet-facing load balancer in the public subnets, an internal one in the private subnets."""

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


def network(sfx, child):
    """A VPC with one public subnet (route to the internet gateway) and one private subnet (route to a NAT)."""
    vpc = aws.ec2.Vpc(f"app-vpc-{sfx}", cidr_block="10.0.0.0/16", opts=child)
    igw = aws.ec2.InternetGateway(f"app-igw-{sfx}", vpc_id=vpc.id, opts=child)
    public = [aws.ec2.Subnet(f"app-public-{i}-{sfx}", vpc_id=vpc.id, cidr_block=f"10.0.{i}.0/24",
                             availability_zone=f"us-east-1{az}", opts=child) for i, az in enumerate("ab")]
    private = [aws.ec2.Subnet(f"app-private-{i}-{sfx}", vpc_id=vpc.id, cidr_block=f"10.0.{10 + i}.0/24",
                              availability_zone=f"us-east-1{az}", opts=child) for i, az in enumerate("ab")]
    eip = aws.ec2.Eip(f"app-nat-eip-{sfx}", domain="vpc", opts=child)
    nat = aws.ec2.NatGateway(f"app-nat-{sfx}", allocation_id=eip.id, subnet_id=public[0].id, opts=child)
    public_rt = aws.ec2.RouteTable(f"app-public-rt-{sfx}", vpc_id=vpc.id,
                                   routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}], opts=child)
    private_rt = aws.ec2.RouteTable(f"app-private-rt-{sfx}", vpc_id=vpc.id,
                                    routes=[{"cidr_block": "0.0.0.0/0", "nat_gateway_id": nat.id}], opts=child)
    for i, subnet in enumerate(public):
        aws.ec2.RouteTableAssociation(f"app-public-rta-{i}-{sfx}", subnet_id=subnet.id,
                                      route_table_id=public_rt.id, opts=child)
    for i, subnet in enumerate(private):
        aws.ec2.RouteTableAssociation(f"app-private-rta-{i}-{sfx}", subnet_id=subnet.id,
                                      route_table_id=private_rt.id, opts=child)
    return vpc, public, private


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        child = pulumi.ResourceOptions(parent=self)
        vpc, public, private = network(sfx, child)
        sg = aws.ec2.SecurityGroup(f"web-alb-sg-{sfx}", vpc_id=vpc.id, description="web load balancer",
                                   opts=child)
        self.alb = aws.lb.LoadBalancer(
            f"web-alb-{sfx}",
            load_balancer_type="application",
            security_groups=[sg.id],
            subnets=[s.id for s in public],
            opts=child,
        )
        self.internal_alb = aws.lb.LoadBalancer(
            f"admin-alb-{sfx}",
            load_balancer_type="application",
            internal=True,
            security_groups=[sg.id],
            subnets=[s.id for s in private],
            opts=child,
        )
