"""WIR008 bad: a function in an isolated subnet whose handler calls DynamoDB, with no NAT and no endpoint."""

import json
from typing import Optional

import pulumi
import pulumi_aws as aws
from pulumi import ResourceOptions

HANDLER = """import os
import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE"])


def handler(event, context):
    table.put_item(Item={"pk": event["id"]})
    return {"ok": True}
"""
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
        vpc = aws.ec2.Vpc(f"app-vpc-{env}", cidr_block="10.0.0.0/16", opts=child)
        private = aws.ec2.Subnet(f"private-a-{env}", vpc_id=vpc.id, cidr_block="10.0.1.0/24",
                                 availability_zone="us-east-1a", opts=child)
        private_rt = aws.ec2.RouteTable(f"private-rt-{env}", vpc_id=vpc.id, opts=child)
        aws.ec2.RouteTableAssociation(f"private-a-assoc-{env}", subnet_id=private.id,
                                      route_table_id=private_rt.id, opts=child)
        sg = aws.ec2.SecurityGroup(
            f"fn-sg-{env}", vpc_id=vpc.id,
            egress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}],
            opts=child,
        )
        table = aws.dynamodb.Table(f"orders-{env}", hash_key="pk", billing_mode="PAY_PER_REQUEST",
                                   attributes=[{"name": "pk", "type": "S"}], opts=child)
        role = aws.iam.Role(f"writer-role-{env}", assume_role_policy=ASSUME, opts=child)
        aws.iam.RolePolicyAttachment(
            f"writer-vpc-{env}", role=role.name,
            policy_arn="arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole", opts=child)
        aws.lambda_.Function(
            f"writer-{env}",
            runtime="python3.12",
            handler="index.handler",
            role=role.arn,
            code=pulumi.AssetArchive({"index.py": pulumi.StringAsset(HANDLER)}),
            timeout=10,
            environment={"variables": {"TABLE": table.name}},
            vpc_config={
                "subnet_ids": [private.id],  # expect: WIR008
                "security_group_ids": [sg.id],
            },
            opts=child,
        )

        self.register_outputs({})
