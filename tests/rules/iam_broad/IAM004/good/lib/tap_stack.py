"""Order processor whose execution role lists what it needs; the deploy role keeps broad rights."""

import json

import pulumi
import pulumi_aws as aws


def trust(service):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


class TapStackArgs:
    def __init__(self, environment_suffix=None):
        self.environment_suffix = environment_suffix or "dev"


class TapStack(pulumi.ComponentResource):
    def __init__(self, name, args, opts=None):
        super().__init__("tap:stack:TapStack", name, None, opts)
        sfx = args.environment_suffix
        parent = pulumi.ResourceOptions(parent=self)
        bucket = aws.s3.BucketV2(f"orders-{sfx}", opts=parent)
        role = aws.iam.Role(
            f"orders-role-{sfx}",
            assume_role_policy=trust("lambda.amazonaws.com"),
            managed_policy_arns=["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
            opts=parent,
        )
        aws.iam.RolePolicy(
            f"orders-s3-{sfx}",
            role=role.id,
            policy=bucket.arn.apply(lambda arn: json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"{arn}/*"}]})),
            opts=parent,
        )
        deploy = aws.iam.Role(f"deploy-role-{sfx}", assume_role_policy=trust("codebuild.amazonaws.com"), opts=parent)
        aws.iam.RolePolicyAttachment(
            f"deploy-admin-{sfx}",
            role=deploy.name,
            policy_arn="arn:aws:iam::aws:policy/AdministratorAccess",
            opts=parent,
        )
        pulumi.export("role_arn", role.arn)
