"""SEC008 good: the function's group declares its egress (inline here, as a standalone rule for the second)."""

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
        fn_sg = aws.ec2.SecurityGroup(
            f"fn-sg-{env}",
            vpc_id=vpc.id,
            description="processor function",
            ingress=[{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["10.0.0.0/16"]}],
            egress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}],
            opts=child,
        )
        worker_sg = aws.ec2.SecurityGroup(f"worker-sg-{env}", vpc_id=vpc.id, description="worker", opts=child)
        aws.vpc.SecurityGroupEgressRule(
            f"worker-https-out-{env}",
            security_group_id=worker_sg.id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4="0.0.0.0/0",
            opts=child,
        )
        role = aws.iam.Role(f"fn-role-{env}", assume_role_policy=ASSUME, opts=child)
        for label, sg in (("processor", fn_sg), ("worker", worker_sg)):
            aws.lambda_.Function(
                f"{label}-{env}",
                runtime="python3.12",
                handler="index.handler",
                role=role.arn,
                code=CODE,
                vpc_config={"subnet_ids": [subnet.id], "security_group_ids": [sg.id]},
                opts=child,
            )
        self.register_outputs({"stack_name": name})
