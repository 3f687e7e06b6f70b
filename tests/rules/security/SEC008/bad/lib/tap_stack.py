"""SEC008 bad: a VPC Lambda whose only security group has ingress but no egress (the provider removes the default)."""

import json
from typing import Optional

import pulumi
import pulumi_aws as aws
from pulumi import ResourceOptions

CODE = pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(event, context):\n    return {}\n")})
ASSUME = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
})


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
        subnet = aws.ec2.Subnet(f"private-{env}", vpc_id=vpc.id, cidr_block="10.0.1.0/24", opts=child)
        fn_sg = aws.ec2.SecurityGroup(  # expect: SEC008
            f"fn-sg-{env}",
            vpc_id=vpc.id,
            description="processor function",
            ingress=[{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["10.0.0.0/16"]}],
            opts=child,
        )
        # The database group answers connections only: no egress needed, not reported.
        db_sg = aws.ec2.SecurityGroup(
            f"db-sg-{env}",
            vpc_id=vpc.id,
            description="database",
            ingress=[{"protocol": "tcp", "from_port": 5432, "to_port": 5432, "security_groups": [fn_sg.id]}],
            opts=child,
        )
        aws.rds.SubnetGroup(f"db-subnets-{env}", subnet_ids=[subnet.id], opts=child)
        role = aws.iam.Role(f"fn-role-{env}", assume_role_policy=ASSUME, opts=child)
        aws.lambda_.Function(
            f"processor-{env}",
            runtime="python3.12",
            handler="index.handler",
            role=role.arn,
            code=CODE,
            vpc_config={"subnet_ids": [subnet.id], "security_group_ids": [fn_sg.id]},
            opts=child,
        )
        pulumi.export("db_sg_id", db_sg.id)
        self.register_outputs({"stack_name": name})
