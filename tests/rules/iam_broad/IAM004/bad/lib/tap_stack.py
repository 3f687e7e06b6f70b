"""Order processor whose execution role holds AdministratorAccess and S3 full access."""

import json

import pulumi
import pulumi_aws as aws

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        parent = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"orders-role-{sfx}",
            assume_role_policy=TRUST,
            managed_policy_arns=[
                "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                "arn:aws:iam::aws:policy/AdministratorAccess",  # expect: IAM004
            ],
            opts=parent,
        )
        aws.iam.RolePolicyAttachment(
            f"orders-s3-{sfx}",
            role=role.name,
            policy_arn="arn:aws:iam::aws:policy/AmazonS3FullAccess",  # expect: IAM004
            opts=parent,
        )
        pulumi.export("role_arn", role.arn)
